/**
 * The console's catalogue of what the API reports: every error code, held reason and row-error
 * reason the API can send (a stable code plus parameters), written for office staff in Japanese and
 * English. The API's own `error`/`reason` text stays for operators (it may name routes, commands and
 * settings); staff never see it unless a code is missing here, which test/unit/messages.test.ts
 * prevents by collecting every code from the API's sources.
 *
 * A text may name parameters as `{name}`; numbers are formatted for ja-JP, a `status` parameter is
 * shown as the status word of the screen's language.
 */
import { ApiError } from './api.ts';
import { fmt, translate, type Lang, type MessageKey } from './i18n.tsx';
import { CSV_TYPES, UPLOAD_STATUSES } from '@warehouse/db/kinds';
import { PLAIN_PARAMS, ROW_TEXTS, type Text } from '@warehouse/messages';

export type { Text };

const ADMIN = { ja: '続く場合は管理者に連絡してください。', en: 'If it keeps happening, contact your administrator.' };
const RELOAD = {
  ja: '画面を再読み込みしてやり直してください。',
  en: 'Reload the page and try again.',
};

/** An empty file, refused by the upload route (E_EMPTY_FILE: no bytes) or by the ingest (E_EMPTY: no header row). */
const EMPTY_FILE = {
  ja: 'ファイルが空です。将軍から見出し行とデータ行を含めて出力し直してください。',
  en: 'The file is empty. Export it again from Shogun with its header and rows.',
};

/** Errors of a request (the `code` of an error answer) and of an upload as a whole. */
export const ERROR_TEXTS: Record<string, Text> = {
  // Signing in and permissions (apps/api/src/auth).
  E_OIDC_DOMAIN: {
    ja: 'このメールアドレスのドメインではサインインできません。管理者に確認してください。',
    en: 'Accounts of this email domain cannot sign in here. Ask an administrator.',
  },
  E_OIDC_NO_ROLE: {
    ja: '会社のアカウントに、ここで使える役割のグループがありません。管理者に確認してください。',
    en: 'Your company account is in no group that gives a role here. Ask an administrator.',
  },
  E_OIDC_NO_EMAIL: {
    ja: '会社のアカウントからメールアドレスが届きませんでした。管理者に確認してください。',
    en: 'Your company account sent no email address. Ask an administrator.',
  },
  E_OIDC_FAILED: {
    ja: '会社のアカウントでのサインインが完了しませんでした。もう一度お試しください。',
    en: 'Signing in with your company account did not finish. Please try again.',
  },
  E_SIGN_IN_FAILED: {
    ja: 'メールアドレスかパスワードが違います。確かめてもう一度入力してください。',
    en: 'The email address or password is not right. Check them and try again.',
  },
  E_TOO_MANY_SIGN_INS: {
    ja: 'サインインの試行が多すぎます。しばらく待ってからもう一度お試しください。',
    en: 'Too many sign-in attempts. Wait a while and try again.',
  },
  E_SESSION_EXPIRED: {
    ja: 'サインインの有効期限が切れました。もう一度サインインしてください。',
    en: 'Your sign-in has expired. Please sign in again.',
  },
  E_SESSION_ONLY: {
    ja: 'この操作は画面からサインインしたときだけできます。',
    en: 'This can only be done when signed in through the console.',
  },
  E_USER_DISABLED: {
    ja: 'このアカウントは使えなくなっています。管理者に連絡してください。',
    en: 'This account has been disabled. Contact your administrator.',
  },
  E_KEY_INVALID: {
    ja: 'このキーは使えません。正しいキーか管理者に確かめてください。',
    en: 'This key is not valid. Check it with your administrator.',
  },
  E_KEY_REVOKED: {
    ja: 'このキーは取り消されています。新しいキーを管理者に発行してもらってください。',
    en: 'This key has been revoked. Ask your administrator for a new one.',
  },
  E_KEY_NOT_FOUND: {
    ja: 'そのキーは見つかりません。一覧を読み込み直してください。',
    en: 'That key was not found. Reload the list.',
  },
  E_ROLE_REQUIRED: {
    ja: 'この操作には{requiredRole}の権限が必要です（あなたは{role}）。必要なら管理者に権限の変更を頼んでください。',
    en: 'This needs the {requiredRole} role (yours is {role}). Ask your administrator if you need it.',
  },
  // Accounts managed by an admin (apps/api/src/auth/admin-routes.ts over packages/db/src/accounts).
  E_USER_EXISTS: {
    ja: 'このメールアドレスのアカウントはすでにあります。一覧で確かめてください。',
    en: 'An account with this email address exists already. Check the list.',
  },
  E_USER_NOT_FOUND: {
    ja: 'そのアカウントは見つかりません。一覧を読み込み直してください。',
    en: 'That account was not found. Reload the list.',
  },
  E_BAD_EMAIL: {
    ja: 'メールアドレスの形が正しくありません（例: sato@example.com）。',
    en: 'That is not an email address (e.g. sato@example.com).',
  },
  E_BAD_NAME: {
    ja: '名前を入力してください。',
    en: 'Enter a name.',
  },
  E_BAD_ROLE: {
    ja: '権限は閲覧者・担当者・管理者のどれかを選んでください。',
    en: 'Choose a role: viewer, staff or administrator.',
  },
  E_BAD_PASSWORD: {
    ja: 'パスワードが短すぎます。8文字以上にしてください。',
    en: 'The password is too short. Use at least 8 characters.',
  },
  E_SELF: {
    ja: '自分自身のアカウントの無効化や権限の変更はできません。別の管理者に頼んでください。',
    en: 'You cannot disable your own account or change your own role. Ask another administrator.',
  },
  E_OIDC_START: {
    ja: '会社のアカウントでのサインインを始められませんでした。メールアドレスとパスワードでサインインするか、管理者に連絡してください。',
    en: 'Company sign-in could not start. Sign in with your email and password, or contact your administrator.',
  },
  E_NOT_YOUR_UPLOAD: {
    ja: 'ほかの人のアップロードは、管理者だけが取り消し・確認できます。',
    en: "Only an administrator can undo or confirm someone else's upload.",
  },
  E_CSRF: {
    ja: '安全のため、この画面以外から送られた操作は受け付けません。画面を再読み込みしてやり直してください。',
    en: 'For safety, actions sent from outside this console are refused. Reload the page and try again.',
  },
  E_AUTH_OFF: {
    ja: 'このサーバーではサインインが使われていません。',
    en: 'Sign-in is not used on this server.',
  },
  E_BAD_DATE: {
    ja: '日付が正しくありません。実在する日付（例: 2025-04-01）を指定してください。',
    en: 'The date is not valid. Enter a real calendar date (e.g. 2025-04-01).',
  },
  E_BAD_RANGE: {
    ja: '開始が終了より後になっています。開始と終了を入れ替えてください。',
    en: 'The start is after the end. Swap them.',
  },
  E_RANGE_TOO_LONG: {
    ja: '期間が長すぎます。期間を短く分けて表示してください。',
    en: 'The period is too long. Split it into shorter periods.',
  },
  E_BAD_REQUEST: {
    ja: `送信した内容を処理できませんでした。${RELOAD.ja}`,
    en: `The request could not be processed. ${RELOAD.en}`,
  },
  E_BAD_REFRESH_REQUEST: {
    ja: `更新の依頼内容が正しくありません。${RELOAD.ja}`,
    en: `The refresh request is not valid. ${RELOAD.en}`,
  },
  E_UNKNOWN_CSV_TYPE: {
    ja: `更新する集計表の指定が正しくありません。${RELOAD.ja}`,
    en: `The tables to refresh are not valid. ${RELOAD.en}`,
  },
  E_UNKNOWN_MV: {
    ja: `指定された集計表はありません。${RELOAD.ja}`,
    en: `That summary table does not exist. ${RELOAD.en}`,
  },
  E_BODY_TIMEOUT: {
    ja: 'ファイルの送信が途中で止まりました。通信状況を確かめて、もう一度アップロードしてください。',
    en: 'Sending the file stalled. Check the connection and upload it again.',
  },
  E_MULTIPART: {
    ja: 'ファイルの送信が途中で途切れました。もう一度アップロードしてください。',
    en: 'Sending the file was cut off. Upload it again.',
  },
  E_NOT_MULTIPART: {
    ja: `送信の形式が正しくありません。${RELOAD.ja}`,
    en: `The form was not sent correctly. ${RELOAD.en}`,
  },
  E_FIELD: { ja: `送信した項目が正しくありません。${RELOAD.ja}`, en: `A field of the form is not valid. ${RELOAD.en}` },
  E_CONFIG: {
    ja: 'サーバーの設定に誤りがあります。管理者に連絡してください。',
    en: 'The server is misconfigured. Contact your administrator.',
  },
  E_TARGET_PROTECTED: {
    ja: 'このサーバーは保護された環境に接続しているため起動しません。管理者に連絡してください。',
    en: 'The server refuses to start against a protected environment. Contact your administrator.',
  },
  E_DB_UNAVAILABLE: {
    ja: 'データベースに接続できません。数秒待ってから再試行してください。',
    en: 'The database cannot be reached. Wait a few seconds and try again.',
  },
  E_NO_ROUTE: {
    ja: 'この操作はサーバーにありません。画面を再読み込みしてください（新しい版に更新された可能性があります）。',
    en: 'The server does not offer this operation. Reload the page (a new version may have been installed).',
  },
  E_NOT_FOUND: {
    ja: '見つかりません。番号が違うか、すでに削除されています。',
    en: 'Not found. The number is wrong or it was deleted.',
  },
  E_UNAUTHORIZED: {
    ja: 'サインインが必要です（サインインの有効期限が切れた可能性があります）。サインインすると元の画面に戻ります。',
    en: 'Please sign in (your sign-in may have expired). You will be back on the same screen afterwards.',
  },
  E_TOO_MANY_UPLOADS: {
    ja: '同時に送れるアップロードの数を超えました。送信中のものが終わってから、もう一度送ってください。',
    en: 'Too many uploads are being sent at once. Send this one again when a running one has finished.',
  },
  E_NO_FILE: { ja: 'ファイルが選ばれていません。', en: 'No file was chosen.' },
  E_FLAVOUR: { ja: '種別（速報・確定）を選んでください。', en: 'Choose the flavour (flash or final).' },
  E_FILE_NAME: {
    ja: 'ファイル名を読み取れません。ファイルを選び直してください。',
    en: 'The file name cannot be read. Choose the file again.',
  },
  E_PERIOD: {
    ja: '期間が正しくありません。開始日と終了日を実在する日付で、開始が先になるように指定してください。',
    en: 'The period is not valid. Give real start and end dates, the start first.',
  },
  E_EMPTY_FILE: EMPTY_FILE,
  E_EMPTY: EMPTY_FILE,
  E_NOT_CSV: {
    ja: 'CSVファイルではありません。将軍から出力した .csv ファイルを選んでください。',
    en: 'This is not a CSV file. Choose the .csv file exported from Shogun.',
  },
  E_NOT_TEXT: {
    ja: '文字のCSVではありません（Excelファイルなど）。CSV形式で保存し直してからアップロードしてください。',
    en: 'This is not a text CSV (an Excel file, perhaps). Save it as CSV and upload that.',
  },
  E_ENCODING: {
    ja: 'ファイルの文字コードを読み取れません。将軍から CSV（Shift_JIS または UTF-8）で出力し直してください。',
    en: 'The file’s character encoding cannot be read. Export it again from Shogun as CSV (Shift_JIS or UTF-8).',
  },
  E_HEADER: {
    ja: '1行目（見出し行）が受入・出荷・ヤードのどれとも一致しません。将軍の出力をそのままアップロードしてください。',
    en: 'The first (header) line matches no kind (receive, shipment, yard). Upload Shogun’s export unchanged.',
  },
  E_CSV_SYNTAX: {
    ja: 'CSVの形式が崩れています（引用符の閉じ忘れなど）。将軍から出力し直してください。',
    en: 'The CSV is malformed (an unclosed quote, for example). Export it again from Shogun.',
  },
  E_NO_ROWS: {
    ja: '見出し行だけで、データ行がありません。期間を確かめて出力し直してください。',
    en: 'The file has a header line but no data rows. Check the period and export it again.',
  },
  E_ROWS_INVALID: {
    ja: '正しくない行があるため、何も取り込んでいません。下の行エラーを直して、ファイル全体をもう一度アップロードしてください。',
    en: 'Some lines are not valid, so nothing was loaded. Fix the row errors below and upload the whole file again.',
  },
  E_DUPLICATE_FILE: {
    ja: '同じファイルがすでに取り込まれています。取り込み直すには、先に前のアップロードを取り消してください。',
    en: 'The same file was already loaded. To load it again, undo the earlier upload first.',
  },
  E_DUPLICATE: {
    ja: 'このファイルはアップロード #{duplicateOf} ですでに取り込まれています。取り込み直すには、先にそのアップロードを取り消してください。',
    en: 'This file was already loaded by upload #{duplicateOf}. To load it again, undo that upload first.',
  },
  E_NOT_REVERTIBLE: {
    ja: '取り消せるのは「成功」したアップロードだけです。',
    en: 'Only a successful upload can be undone.',
  },
  E_REVERT_BLOCKED: {
    ja: '後から取り込んだアップロード #{laterUploadId} が同じ日付を含むため、取り消せません。先にアップロード #{laterUploadId} を取り消してください。',
    en: 'Upload #{laterUploadId}, loaded later, covers the same dates, so this one cannot be undone. Undo upload #{laterUploadId} first.',
  },
  E_REVERT_MISMATCH: {
    ja: `データがアップロード以外の方法で変更されているため、取り消しを中止しました（何も変えていません）。管理者に連絡してください。`,
    en: 'The data was changed outside uploads, so the undo was stopped (nothing changed). Contact your administrator.',
  },
  E_NOT_HELD: {
    ja: 'このアップロードは保留中ではないため、確認は不要です。',
    en: 'This upload is not held, so it needs no confirming.',
  },
  E_EDITOR: {
    ja: '編集者名を入力してください（変更履歴に残ります）。',
    en: 'Type your name (it is kept in the change history).',
  },
  E_TARGETS_INVALID: {
    ja: '目標CSVに正しくない行があるため、何も変更していません。下の行エラーを直して、ファイル全体をもう一度アップロードしてください。',
    en: 'The targets CSV has rows that are not valid, so nothing was changed. Fix the row errors below and upload the whole file again.',
  },
  FST_REQ_FILE_TOO_LARGE: {
    ja: 'ファイルが大きすぎます。期間を分けて出力し、分けてアップロードしてください。',
    en: 'The file is too large. Export shorter periods and upload them one by one.',
  },
  FST_ERR_VALIDATION: {
    ja: `入力した内容が正しくありません。${RELOAD.ja}`,
    en: `What was entered is not valid. ${RELOAD.en}`,
  },
  E_PROCESSING_FAILED: {
    ja: `サーバー内部の問題で取り込めませんでした（{attempts}回試しました）。ファイルは保存されています。管理者に連絡してください。`,
    en: 'An internal problem stopped the load ({attempts} attempts). The file is kept. Contact your administrator.',
  },
  // The console's own: no answer at all, or a 5xx (which carries no code, only a request id).
  E_NETWORK: {
    ja: 'サーバーに接続できません。ネットワークを確かめて再試行してください。',
    en: 'The server cannot be reached. Check the network and try again.',
  },
  E_INTERNAL: {
    ja: `サーバーで問題が起きました。再試行してください。${ADMIN.ja}（問い合わせ番号 {requestId}）`,
    en: `Something went wrong on the server. Try again. ${ADMIN.en} (reference {requestId})`,
  },
};

/** Why the shrink guard held an upload (the upload's `held.code`). */
export const HELD_TEXTS: Record<string, Text> = {
  H_SHRINK: {
    ja: 'このファイルの{rowsAdded}行で、既にある{rowsSuperseded}行（{dates}日分）を置き換えます。行数が大きく減るため、取り込まずに止めています。意図どおり（期間の一部だけの出力など）なら「確認して取り込む」を押してください。',
    en: 'This file’s {rowsAdded} rows would replace {rowsSuperseded} existing rows (on {dates} dates). So many fewer rows looks like a mistake, so nothing was loaded yet. If it is intended, press “Confirm and load”.',
  },
};

/** Why a row of an upload or of a targets CSV is refused: shared with the API (errors.csv) from @warehouse/messages. */
export { ROW_TEXTS };

const UNKNOWN: Text = {
  ja: `処理できませんでした（コード {code}）。${ADMIN.ja}`,
  en: `That did not work (code {code}). ${ADMIN.en}`,
};

/** Parameters shown as words of the screen's language (a status, a CSV kind). */
const WORDS: ReadonlySet<string> = new Set([...UPLOAD_STATUSES, ...CSV_TYPES]);

/**
 * Fill `{name}` from params: counts as ja-JP integers (ids, lines and years as they are), a status
 * or kind as its word; an absent one as '—'.
 */
export function fill(template: string, params: Record<string, unknown>, lang: Lang): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (typeof v === 'number') return PLAIN_PARAMS.has(name) ? String(v) : fmt.int(v);
    if (typeof v === 'string' && WORDS.has(v) && (name === 'status' || name === 'kind'))
      return translate(lang, v as MessageKey);
    if ((name === 'requiredRole' || name === 'role') && (v === 'viewer' || v === 'staff' || v === 'admin'))
      return translate(lang, `role_${v}`);
    return typeof v === 'string' && v !== '' ? v : '—';
  });
}

/** The text of a code from one of the tables, or the "unknown code" text naming it. */
export function render(
  table: Record<string, Text>,
  code: string | null | undefined,
  params: Record<string, unknown>,
  lang: Lang,
): string {
  const text = (code && table[code]) || UNKNOWN;
  return fill(text[lang], { code: code ?? '—', ...params }, lang);
}

/** What to show a person for an error thrown by the API client (or anything else). */
export function errorText(error: unknown, lang: Lang): string {
  if (error instanceof ApiError) {
    const code = error.status >= 500 && !ERROR_TEXTS[error.code] ? 'E_INTERNAL' : error.code;
    return render(ERROR_TEXTS, code, error.body, lang);
  }
  return render(ERROR_TEXTS, 'E_NETWORK', {}, lang);
}

/** What an audit event records (log.audit_event's action), for the 操作履歴 page. */
export const ACTION_TEXTS: Record<string, Text> = {
  'upload.accepted': { ja: 'アップロード受付', en: 'Upload accepted' },
  'upload.held': { ja: 'アップロード保留', en: 'Upload held' },
  'upload.confirmed': { ja: '保留の確認', en: 'Held upload confirmed' },
  'upload.reverted': { ja: 'アップロード取消', en: 'Upload undone' },
  'upload.purged': { ja: 'アップロード削除', en: 'Upload purged' },
  'target.edit': { ja: '目標の変更', en: 'Target edited' },
  'target.csv': { ja: '目標CSVの取り込み', en: 'Targets CSV loaded' },
  'mv.refresh': { ja: '集計の手動更新', en: 'Manual refresh' },
  'auth.sign_in': { ja: 'サインイン', en: 'Signed in' },
  'auth.sign_in_failed': { ja: 'サインイン失敗', en: 'Sign-in failed' },
  'auth.sign_out': { ja: 'サインアウト', en: 'Signed out' },
  'auth.sign_out_everywhere': { ja: 'すべての端末からサインアウト', en: 'Signed out everywhere' },
  'user.created': { ja: 'アカウント作成', en: 'Account created' },
  'user.disabled': { ja: 'アカウント無効化', en: 'Account disabled' },
  'user.password_reset': { ja: 'パスワード再設定（管理者）', en: 'Password reset (admin)' },
  'user.password_changed': { ja: 'パスワード変更（本人）', en: 'Password changed (self)' },
  'user.role_changed': { ja: '権限の変更', en: 'Role changed' },
  'key.created': { ja: 'APIキー発行', en: 'API key made' },
  'key.revoked': { ja: 'APIキー取消', en: 'API key revoked' },
};
/** An action's words (an action this console does not know yet: as the API names it). */
export const actionText = (action: string, lang: Lang): string => ACTION_TEXTS[action]?.[lang] ?? action;
