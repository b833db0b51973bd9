import { ROW_TEXTS } from '@warehouse/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvText, encode, receiveRows, row } from './csv.ts';
import { multipart, testApp, waitForUpload, type TestApp } from './helper.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ maxErrors: 10_000, errorSummary: 50 });
  await t.startWorker();
});
afterAll(async () => t?.close());

async function upload(text: string): Promise<number> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/upload/csv',
    ...multipart([
      { name: 'flavour', value: 'final' },
      { name: 'receive', filename: 'r.csv', content: encode(text) },
    ]),
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().uploads[0].id;
}

/** Parse our own CSV output (RFC 4180) back into records. */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let fields: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        f += '"';
        i++;
      } else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      fields.push(f);
      f = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      fields.push(f);
      out.push(fields);
      fields = [];
      f = '';
      i++;
    } else f += c;
  }
  return out;
}

describe('GET /uploads/:id/errors and errors.csv', () => {
  it('a file with 3 bad rows: errors.csv has exactly those 3 rows with their original text', async () => {
    const rows = receiveRows('2025-03-01', 5, 4);
    const lines = csvText('receive', rows).split('\r\n');
    // Lines 4, 9 and 17 of the file (header = line 1): a bad date, a negative weight, a short row.
    lines[3] = lines[3]!.replace('2025/03/01', '2025/02/30');
    lines[8] = lines[8]!.replace(',"1,000",', ',-5,');
    lines[16] = '2025/03/04,"S3-1, quoted",2';
    const bad = [lines[3], lines[8], lines[16]];
    const id = await upload(lines.join('\r\n'));
    const done = await waitForUpload(t.pool, id);
    expect(done.status).toBe('failed');
    expect(done.error_message).toMatch(/^3 of 20 data line\(s\) are invalid/);

    const res = await t.app.inject({ method: 'GET', url: `/uploads/${id}/errors.csv` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = res.rawPayload.subarray(3).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(/(^|[^\r])\n/.test(text)).toBe(false); // CRLF only
    const records = parseCsv(text);
    expect(records[0]).toEqual(['line', 'column', 'value', 'reason', 'row']);
    expect(records.slice(1).map((r) => [r[0], r[1], r[2], r[4]])).toEqual([
      ['4', '伝票日付', '2025/02/30', bad[0]],
      ['9', '正味重量', '-5', bad[1]],
      ['17', '', '2025/03/04,S3-1, quoted,2', bad[2]],
    ]);
    // Reasons in Japanese for staff, worded from the codes as the console words them.
    expect(records.slice(1).map((r) => r[3])).toEqual([
      ROW_TEXTS.R_DATE_DAY!.ja,
      ROW_TEXTS.R_NEGATIVE_WEIGHT!.ja,
      '項目の数が3個あります（受入の行は12個）。区切りのカンマや引用符を確かめてください。',
    ]);

    const json = await t.app.inject({ method: 'GET', url: `/uploads/${id}/errors` });
    expect(json.statusCode).toBe(200);
    expect(json.json().total).toBe(3);
    expect(json.json().errors[0]).toEqual({
      line: 4,
      column: '伝票日付',
      value: '2025/02/30',
      reason: expect.stringMatching(/no such date/),
      // The console words the code for staff; the reason stays for operators.
      code: 'R_DATE_DAY',
      params: {},
      row: bad[0],
    });
    expect(json.json().errors.map((e: { code: string }) => e.code)).toEqual([
      'R_DATE_DAY',
      'R_NEGATIVE_WEIGHT',
      'R_FIELD_COUNT',
    ]);
    expect(json.json().errors[2].params).toEqual({ fields: 3, kind: 'receive', expected: 12 });
    const failed = await t.app.inject({ method: 'GET', url: `/uploads/${id}` });
    expect(failed.json()).toMatchObject({ errorCode: 'E_ROWS_INVALID', errorParams: {}, held: null });
    // The file's data lines, good and bad: 行数 of a failed upload is a number, not "—".
    expect(failed.json().rowCount).toBe(20);
    const page = await t.app.inject({ method: 'GET', url: `/uploads/${id}/errors?limit=1&offset=2` });
    expect(page.json()).toEqual({ total: 3, errors: [expect.objectContaining({ line: 17, row: bad[2] })] });
  });

  it('a key repeated within the file: each repeat is a row error with its original text (errors.csv and JSON)', async () => {
    const rows = receiveRows('2025-03-10', 3, 4);
    const lines = csvText('receive', rows).split('\r\n');
    // Lines 6 and 11 repeat the keys of lines 2 and 3 (header = line 1), with other values and quoting.
    const repeat = (of: string, kg: string) =>
      of.replace(/^([^,]*,[^,]*,[^,]*),.*$/, `$1,"V9, repeat",x,I9,y,"${kg}",1,kg,1,1`);
    lines[5] = repeat(lines[1]!, '7,000');
    lines[10] = repeat(lines[2]!, '8,000');
    const id = await upload(lines.join('\r\n'));
    const done = await waitForUpload(t.pool, id);
    expect(done.status).toBe('failed');
    expect(done.error_message).toMatch(
      /repeats a \(伝票日付, 伝票番号, 明細行\) key; first at line 6 \(same as line 2\)/,
    );

    const json = (await t.app.inject({ method: 'GET', url: `/uploads/${id}/errors` })).json();
    expect(json.total).toBe(2);
    expect(json.errors).toEqual([
      {
        line: 6,
        column: '伝票日付,伝票番号,明細行',
        value: lines[1]!.split(',').slice(0, 3).join(','),
        reason: 'duplicate of line 2',
        code: 'R_DUPLICATE_KEY',
        params: { firstLine: 2 },
        row: lines[5],
      },
      {
        line: 11,
        column: '伝票日付,伝票番号,明細行',
        value: lines[2]!.split(',').slice(0, 3).join(','),
        reason: 'duplicate of line 3',
        code: 'R_DUPLICATE_KEY',
        params: { firstLine: 3 },
        row: lines[10],
      },
    ]);
    expect(done.errors.map((e: { row: string }) => e.row)).toEqual([lines[5], lines[10]]);
    const csv = await t.app.inject({ method: 'GET', url: `/uploads/${id}/errors.csv` });
    const records = parseCsv(csv.rawPayload.subarray(3).toString('utf8'));
    expect(records.slice(1).map((r) => [r[0], r[3], r[4]])).toEqual([
      ['6', '2行目と同じ伝票（伝票日付・伝票番号・明細行）です。1行にまとめてください。', lines[5]],
      ['11', '3行目と同じ伝票（伝票日付・伝票番号・明細行）です。1行にまとめてください。', lines[10]],
    ]);
  });

  it('every bad row is kept (here 1,200), the upload summary keeps the first 50, pages cover them all once', async () => {
    const rows = receiveRows('2025-04-01', 30, 60);
    for (let i = 0; i < 1200; i++) rows[i]![7] = 'heavy';
    const id = await upload(csvText('receive', rows));
    const done = await waitForUpload(t.pool, id);
    expect(done.status).toBe('failed');
    expect(done.errors).toHaveLength(50);
    expect(done.errors[49].line).toBe(51);
    const seen: number[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = (
        await t.app.inject({ method: 'GET', url: `/uploads/${id}/errors?limit=500&offset=${offset}` })
      ).json();
      expect(page.total).toBe(1200);
      if (!page.errors.length) break;
      seen.push(...page.errors.map((e: { line: number }) => e.line));
    }
    expect(seen).toEqual(Array.from({ length: 1200 }, (_, i) => i + 2));
    const csv = await t.app.inject({ method: 'GET', url: `/uploads/${id}/errors.csv` });
    expect(parseCsv(csv.rawPayload.subarray(3).toString('utf8'))).toHaveLength(1201);
  });

  it('stops keeping errors at INGEST_MAX_ERRORS but still counts every bad line', async () => {
    const small = await testApp({ maxErrors: 7, errorSummary: 3 });
    try {
      await small.startWorker();
      const rows = receiveRows('2025-05-01', 2, 10).map((r) => [...r]);
      for (const r of rows) r[7] = 'x';
      const res = await small.app.inject({
        method: 'POST',
        url: '/upload/csv',
        ...multipart([
          { name: 'flavour', value: 'flash' },
          { name: 'receive', filename: 'r.csv', content: encode(csvText('receive', rows)) },
        ]),
      });
      const id = res.json().uploads[0].id;
      const done = await waitForUpload(small.pool, id);
      expect(done.error_message).toMatch(/^20 of 20 data line/);
      expect(done.errors).toHaveLength(3);
      expect((await small.app.inject({ method: 'GET', url: `/uploads/${id}/errors` })).json().total).toBe(7);
    } finally {
      await small.close();
    }
  });

  it('answers 404 for an unknown upload, 400 for a bad id or limit, and an empty list for a successful upload', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/uploads/999999/errors' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('E_NOT_FOUND');
    expect((await t.app.inject({ method: 'GET', url: '/uploads/999999/errors.csv' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/uploads/abc/errors' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/uploads/1/errors?limit=0' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/uploads/1/errors?offset=-1' })).statusCode).toBe(400);
    const id = await upload(csvText('receive', [row('receive', { date: '2025/06/01', slip: 'OK', line: 1, kg: '5' })]));
    expect((await waitForUpload(t.pool, id)).status).toBe('success');
    expect((await t.app.inject({ method: 'GET', url: `/uploads/${id}/errors` })).json()).toEqual({
      total: 0,
      errors: [],
    });
    const csv = await t.app.inject({ method: 'GET', url: `/uploads/${id}/errors.csv` });
    expect(csv.rawPayload.toString('utf8')).toBe('\uFEFFline,column,value,reason,row\r\n');
  });
});
