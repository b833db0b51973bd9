// Signing in to the console, what each role sees, a session that ends while a page is open, signing
// out (here and everywhere) and the sign-in rate limit: one API + Chromium for the whole file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcConfig } from '@warehouse/api/config';
import { addUser, checkPage, startStack, type Stack, type StackUser } from '../stack.ts';
import { allViolationsAtBothSizes, DEVELOPER_WORDS, visibleText } from '../a11y.ts';

let s: Stack;
const users = {} as Record<'viewer' | 'staff' | 'admin' | 'disabled', StackUser>;
beforeAll(async () => {
  s = await startStack({
    auth: true,
    // every request asks the database: a session ended in the database ends at once
    authCacheMs: 0,
    signInPerMinute: 20,
    // discovery happens when someone starts the company sign-in, not at start-up
    oidc: oidcConfig({
      OIDC_ISSUER: 'https://sso.example.test',
      OIDC_CLIENT_ID: 'console',
      OIDC_CLIENT_SECRET: 'not-used',
      OIDC_ALLOWED_DOMAINS: 'example.test',
      OIDC_LABEL: 'Example社アカウント',
    }),
  });
  users.viewer = await addUser(s, 'viewer', '閲覧 太郎');
  users.staff = await addUser(s, 'staff', '担当 花子');
  users.admin = await addUser(s, 'admin', '管理 一郎');
  users.disabled = await addUser(s, 'staff', '退職 次郎');
  await s.server.pool.query(`UPDATE auth."user" SET banned = true WHERE id = $1`, [users.disabled.id]);
});
afterAll(async () => {
  await s?.close();
});

const WRONG = 'メールアドレスかパスワードが違います。確かめてもう一度入力してください。';

async function fillSignIn(email: string, password: string): Promise<void> {
  const { page } = s;
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'サインイン', exact: true }).click();
}
const navLinks = async () =>
  (await s.page.getByRole('navigation').getByRole('link').allTextContents()).map((t) => t.replace(/\d+$/, ''));
const sessionsOf = async (userId: string) =>
  (await s.server.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.session WHERE user_id = $1', [userId]))
    .rows[0]!.n;

describe('sign-in page', () => {
  it('asks who you are; the same answer for a wrong password, an unknown email and a disabled account; English on the switch', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/history`);
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
    // the company sign-in is offered because the server names a provider (GET /auth/options)
    await page.getByRole('button', { name: 'Example社アカウントでサインイン' }).waitFor();
    expect(await checkPage(page, 'sign-in')).toEqual([]);
    expect(await allViolationsAtBothSizes(page)).toEqual([]);

    await fillSignIn(users.viewer.email, 'not-the-password');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe(WRONG);
    await fillSignIn('nobody@example.test', 'whatever-password');
    await page.getByRole('alert').first().getByText(WRONG).waitFor();
    await fillSignIn(users.disabled.email, users.disabled.password);
    await page.getByRole('alert').first().getByText(WRONG).waitFor();
    expect(await visibleText(page)).not.toMatch(DEVELOPER_WORDS);

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByLabel('Email address').count()).toBe(1);
    await page.getByRole('button', { name: '日本語' }).click();
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();

    // The company sign-in comes back refused with ?error=<code>: said in words, taken off the address.
    await page.goto(`${s.url}/?error=E_OIDC_DOMAIN#/history`);
    await page
      .getByTestId('company-sign-in-refused')
      .getByText('このメールアドレスのドメインではサインインできません。管理者に確認してください。')
      .waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe('#/history');
    await page.goto(`${s.url}/?error=state_mismatch`);
    expect(await page.getByTestId('company-sign-in-refused').textContent()).not.toContain('state_mismatch');
  });

  it('a viewer lands on the page asked for, sees who they are, no upload, and a 403 in words', async () => {
    const { page } = s;
    await fillSignIn(users.viewer.email, users.viewer.password);
    await page.getByRole('heading', { name: '履歴' }).waitFor(); // the page of the URL (#/history)
    expect(await page.getByTestId('user-menu').textContent()).toContain('閲覧 太郎（閲覧者）でサインイン中');
    expect(await navLinks()).toEqual(['履歴', '鮮度', 'ダッシュボード', '目標']);
    // a page the role may not open says which role it needs
    await page.goto(`${s.url}/#/upload`);
    await page.getByTestId('page-forbidden').getByText('「アップロード」は担当者の権限が必要です。').waitFor();
    // 鮮度: no manual refresh (admins only)
    await page.goto(`${s.url}/#/freshness`);
    await page.getByTestId('mv-table').waitFor();
    expect(await page.getByRole('button', { name: '今すぐ更新' }).count()).toBe(0);
    // a write the role may not do: the API's 403 worded with the roles
    await page.goto(`${s.url}/#/targets`);
    await page.getByLabel('年', { exact: true }).fill('2025');
    const row = page.locator('[data-testid="target-row"][data-month="2025-06"]');
    await row.getByRole('spinbutton').fill('1234');
    await row.getByRole('button', { name: '保存' }).click();
    await row
      .getByRole('alert')
      .getByText('この操作には担当者の権限が必要です（あなたは閲覧者）。必要なら管理者に権限の変更を頼んでください。')
      .waitFor();
    expect(await page.getByTestId('editor-input').count()).toBe(0); // signed in: the history records the person
  });

  it('signing out shows the sign-in page; staff see upload but no admin pages', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'サインアウト', exact: true }).click();
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
    expect(await sessionsOf(users.viewer.id)).toBe(0);
    await fillSignIn(users.staff.email, users.staff.password);
    await page.getByTestId('user-menu').getByText('担当 花子（担当者）でサインイン中').waitFor();
    expect(await navLinks()).toEqual(['アップロード', '履歴', '鮮度', 'ダッシュボード', '目標']);
  });

  it('a session that ends while a form is filled: sign in again, the same page with what was typed, and the save goes through', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/targets`);
    await page.getByLabel('年', { exact: true }).fill('2025');
    const row = page.locator('[data-testid="target-row"][data-month="2025-07"]');
    await row.getByRole('spinbutton').fill('2468');
    // the session ends (expired, or ended from another device) while the page is open
    await s.server.pool.query('DELETE FROM auth.session WHERE user_id = $1', [users.staff.id]);
    await row.getByRole('button', { name: '保存' }).click();
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
    expect(await page.getByTestId('sign-in-reason').textContent()).toContain('サインインが必要です');
    expect(await allViolationsAtBothSizes(page)).toEqual([]);
    await fillSignIn(users.staff.email, users.staff.password);
    // back on 目標 with the typed value, and the save that waited was sent
    await row.getByText('保存しました').waitFor();
    expect(await row.getByRole('spinbutton').inputValue()).toBe('2468');
    expect(page.url()).toContain('#/targets');
    const saved = await s.server.pool.query<{ target_ton: string; editor: string }>(
      `SELECT t.target_ton, (SELECT editor FROM kpi.target_edit e WHERE e.scope = 'month' AND e.ddate = t.month ORDER BY e.id DESC LIMIT 1) AS editor
         FROM kpi.monthly_targets t WHERE t.month = '2025-07-01'`,
    );
    expect(Number(saved.rows[0]!.target_ton)).toBe(2468);
    expect(saved.rows[0]!.editor).toBe('担当 花子');
  });

  it('an admin sees the admin pages: makes an account (one-time password shown once), changes a role, disables, revokes a key; 操作履歴 filters by person and action', async () => {
    const { page } = s;
    page.on('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'サインアウト', exact: true }).click();
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
    await fillSignIn(users.admin.email, users.admin.password);
    await page.getByTestId('user-menu').getByText('管理 一郎（管理者）でサインイン中').waitFor();
    expect(await navLinks()).toEqual([
      'アップロード',
      '履歴',
      '鮮度',
      'ダッシュボード',
      '目標',
      '操作履歴',
      'ユーザー',
    ]);

    await page.getByRole('link', { name: 'ユーザー' }).click();
    await page.getByRole('heading', { name: 'ユーザー' }).waitFor();
    const form = page.getByRole('form', { name: 'アカウントを作成' });
    await form.getByLabel('名前').fill('新人 三郎');
    await form.getByLabel('メールアドレス').fill('saburo@example.test');
    await form.getByLabel('権限').selectOption('viewer');
    await form.getByRole('button', { name: 'アカウントを作成' }).click();
    const shown = page.getByTestId('one-time-password');
    await shown.waitFor();
    const password = (await shown.locator('code').textContent())!;
    const signIn = await fetch(`${s.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'saburo@example.test', password }),
    });
    expect(signIn.status).toBe(200);
    const row = page.locator('[data-testid="user-row"][data-email="saburo@example.test"]');
    await row.getByLabel('新人 三郎の権限').selectOption('staff');
    const roleOf = async (email: string) =>
      (
        await s.server.pool.query<{ role: string; banned: boolean }>(
          'SELECT role, banned FROM auth."user" WHERE email = $1',
          [email],
        )
      ).rows[0];
    await expect.poll(async () => (await roleOf('saburo@example.test'))?.role).toBe('staff');
    await row.getByRole('button', { name: '無効にする' }).click();
    await row.getByText('無効', { exact: true }).waitFor();
    expect((await roleOf('saburo@example.test'))?.banned).toBe(true);
    // the staff member's key (made here as a script would have it) is listed and revoked
    const staffRow = page.locator(`[data-testid="user-row"][data-email="${users.staff.email}"]`);
    await s.server.pool.query(
      `INSERT INTO auth.api_key (user_id, name, prefix, key_hash) VALUES ($1, 'nightly-upload', 'wh_abcd', md5(random()::text))`,
      [users.staff.id],
    );
    await staffRow.getByRole('button', { name: 'APIキー' }).click();
    const key = page.getByTestId('key-row').filter({ hasText: 'nightly-upload' });
    await key.getByRole('button', { name: '取り消す' }).click();
    await key.getByText('取消済').waitFor();
    expect(await checkPage(page, 'users')).toEqual([]);
    expect(await allViolationsAtBothSizes(page)).toEqual([]);

    await page.getByRole('link', { name: '操作履歴' }).click();
    await page.getByRole('heading', { name: '操作履歴' }).waitFor();
    await page.getByRole('combobox', { name: '誰が' }).selectOption({ label: '管理 一郎' });
    await page.getByRole('combobox', { name: '操作' }).selectOption({ label: '権限の変更' });
    await page.getByTestId('audit-count').getByText('全1件中 1–1件を表示').waitFor();
    const event = page.getByTestId('audit-row');
    expect(await event.textContent()).toContain('新人 三郎');
    expect(await event.textContent()).toContain('role: viewer → role: staff');
    await page.getByRole('combobox', { name: '操作' }).selectOption({ label: 'アカウント無効化' });
    await page.getByTestId('audit-count').getByText('全1件中 1–1件を表示').waitFor();
    expect(await checkPage(page, 'audit')).toEqual([]);
    expect(await allViolationsAtBothSizes(page)).toEqual([]);
    expect(await visibleText(page)).not.toMatch(DEVELOPER_WORDS);
  });

  it('"sign out everywhere" ends the sessions on other devices too', async () => {
    const { page } = s;
    // another device of the same person
    const other = await fetch(`${s.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: users.admin.email, password: users.admin.password }),
    });
    expect(other.status).toBe(200);
    const otherCookie = other.headers
      .getSetCookie()
      .find((c) => c.startsWith('warehouse.session_token='))!
      .split(';')[0]!;
    expect((await fetch(`${s.url}/me`, { headers: { cookie: otherCookie } })).status).toBe(200);
    expect(await sessionsOf(users.admin.id)).toBe(2);
    await page.getByRole('button', { name: 'すべての端末からサインアウト' }).click();
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
    expect(await sessionsOf(users.admin.id)).toBe(0);
    expect((await fetch(`${s.url}/me`, { headers: { cookie: otherCookie } })).status).toBe(401);
  });

  it('too many attempts: the page says to wait', async () => {
    const { page } = s;
    // Use up this address's attempts quickly (the limit is per client address and minute) …
    let status = 0;
    for (let i = 0; i < 30 && status !== 429; i++)
      status = (
        await fetch(`${s.url}/api/auth/sign-in/email`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: users.staff.email, password: `wrong-${i}` }),
        })
      ).status;
    expect(status).toBe(429);
    // … then the page's next attempt, even with the right password, is told to wait.
    await fillSignIn(users.staff.email, users.staff.password);
    await page
      .getByRole('alert')
      .getByText('サインインの試行が多すぎます。しばらく待ってからもう一度お試しください。')
      .waitFor();
    expect(await page.getByRole('heading', { name: 'サインイン' }).count()).toBe(1);
  });
});
