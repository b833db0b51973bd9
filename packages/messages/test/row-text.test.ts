import { describe, expect, it } from 'vitest';
import { KIND_WORDS, ROW_TEXTS, rowText } from '../src/index.ts';

describe('rowText (the API words errors.csv with it)', () => {
  it('fills parameters: counts as ja-JP numbers, lines and years as they are, a kind as its word', () => {
    expect(rowText('R_FIELD_COUNT', { fields: 3, kind: 'shipment', expected: 13 }, 'ja')).toBe(
      '項目の数が3個あります（出荷の行は13個）。区切りのカンマや引用符を確かめてください。',
    );
    expect(rowText('R_DUPLICATE_KEY', { firstLine: 12345 }, 'en')).toBe(
      'The same slip line (date, slip number, line) as line 12345. Keep one of them.',
    );
    expect(rowText('R_NUMBER_TOO_LARGE', { digits: 12 }, 'ja')).toBe('数値が大きすぎます（整数部分は12桁まで）。');
    expect(rowText('R_DATE_RANGE', { date: '1999/12/31', min: '2000-01-01' }, 'ja')).toBe(
      '伝票日付 1999/12/31 は、取り込める期間（2000-01-01〜—）の外です。日付が正しいか確かめてください。',
    );
  });

  it('is undefined for a missing or unknown code (the caller keeps its stored reason)', () => {
    expect(rowText(null, {}, 'ja')).toBeUndefined();
    expect(rowText('R_NOT_A_CODE', {}, 'ja')).toBeUndefined();
  });

  it('has both languages for every text and kind', () => {
    for (const t of [...Object.values(ROW_TEXTS), ...Object.values(KIND_WORDS)]) {
      expect(t.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(t.en).toBeTruthy();
    }
  });
});
