import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api.ts';
import { ERROR_TEXTS, errorText, HELD_TEXTS, ROW_TEXTS, type Text } from '../../src/messages.ts';
import { DEVELOPER_WORDS } from '../a11y.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/**
 * Where the codes the API can answer with are written: its own sources, the uploads library whose
 * refusals (UploadOpError) the revert/confirm routes pass on as they are, and the accounts library
 * whose AccountError codes the admin routes answer with.
 */
const SOURCES = ['apps/api/src', 'packages/db/src/uploads', 'packages/db/src/accounts'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/**
 * Quoted E_… and FST_… error codes; H_… held and R_… row reasons also as bare keys (reasons.ts
 * declares them as the keys of its text table).
 */
const CODE = /['"`]((?:E|FST)_[A-Z0-9_]+)['"`]|\b((?:H|R)_[A-Z0-9_]*[A-Z0-9])\b/g;

/** Every code in the sources, with the first file that has it. */
function codesInSources(): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of SOURCES)
    for (const file of tsFiles(path.join(ROOT, dir))) {
      for (const m of readFileSync(file, 'utf8').matchAll(CODE))
        if (!found.has(m[1] ?? m[2]!)) found.set(m[1] ?? m[2]!, path.relative(ROOT, file));
    }
  return found;
}

const tableOf = (code: string): Record<string, Text> =>
  code.startsWith('H_') ? HELD_TEXTS : code.startsWith('R_') ? ROW_TEXTS : ERROR_TEXTS;

describe('the message catalogue covers every code the API can send', () => {
  const codes = codesInSources();

  it('collects the codes from the sources (the scan itself works)', () => {
    for (const known of [
      'E_TOO_MANY_UPLOADS',
      'E_BODY_TIMEOUT',
      'E_BAD_DATE',
      'E_RANGE_TOO_LONG',
      'E_REVERT_BLOCKED',
      'H_SHRINK',
      'R_DATE_RANGE',
      'R_TARGET_KEY',
    ])
      expect([...codes.keys()]).toContain(known);
    expect(codes.size).toBeGreaterThan(60);
  });

  it('has a Japanese and an English text for each, written for staff', () => {
    const missing = [...codes]
      .filter(([code]) => {
        const text = tableOf(code)[code];
        return !text?.ja || !text.en;
      })
      .map(([code, file]) => `${code} (${file})`);
    expect(missing, 'codes the API can send without a ja/en text in apps/web/src/messages.ts').toEqual([]);
    for (const table of [ERROR_TEXTS, HELD_TEXTS, ROW_TEXTS])
      for (const [code, text] of Object.entries(table)) {
        expect(text.ja, code).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
        expect(text.ja, code).not.toMatch(DEVELOPER_WORDS);
        expect(text.en, code).not.toMatch(DEVELOPER_WORDS);
        // The same parameters in both languages.
        const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(params(text.en), code).toEqual(params(text.ja));
      }
  });

  it('renders an API error from its code and parameters, never from its operator message', () => {
    const blocked = new ApiError(409, 'E_REVERT_BLOCKED', 'upload 7 (x.csv) landed later …; revert upload 7 first', {
      code: 'E_REVERT_BLOCKED',
      laterUploadId: 7,
    });
    expect(errorText(blocked, 'ja')).toBe(
      '後から取り込んだアップロード #7 が同じ日付を含むため、取り消せません。先にアップロード #7 を取り消してください。',
    );
    expect(errorText(blocked, 'en')).toMatch(/^Upload #7, loaded later/);
    // A 500 carries no code, only a request id.
    expect(errorText(new ApiError(500, 'HTTP_500', 'internal error', { requestId: 'req-1' }), 'ja')).toMatch(
      /問い合わせ番号 req-1/,
    );
    // A code the console does not know yet still reads as a sentence, naming the code.
    expect(errorText(new ApiError(400, 'E_SOMETHING_NEW', 'x'), 'ja')).toMatch(/コード E_SOMETHING_NEW/);
    expect(errorText(new TypeError('Failed to fetch'), 'ja')).toMatch(/サーバーに接続できません/);
  });
});
