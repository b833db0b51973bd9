/**
 * Uploads lose nothing: replaced rows move to the history table and come back on revert; the
 * replacement scope is the file's dates or a stated period; the shrink guard holds an upload until
 * it is confirmed; uploads of one kind+flavour land one at a time, the later one winning.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/app.ts';
import { csvText, encode, receiveRows, row } from './csv.ts';
import { multipart, testApp, waitFor, waitForUpload, type TestApp } from './helper.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await t.startWorker();
});
afterAll(async () => t?.close());

async function upload(kind: string, flavour: string, rows: string[][], extra: { name: string; value: string }[] = []) {
  const body = multipart([
    { name: 'flavour', value: flavour },
    ...extra,
    { name: kind, filename: `${kind}.csv`, content: encode(csvText(kind as 'receive', rows)) },
  ]);
  return t.app.inject({ method: 'POST', url: '/upload/csv', ...body });
}

/** Upload and wait for the job; returns the final upload row (snake_case, from the table). */
async function land(kind: string, flavour: string, rows: string[][], extra: { name: string; value: string }[] = []) {
  const res = await upload(kind, flavour, rows, extra);
  expect(res.statusCode, res.body).toBe(202);
  return waitForUpload(t.pool, res.json().uploads[0].id);
}

/** The table's rows, all columns, in key order, as COPY writes them. */
async function dump(table: string): Promise<string> {
  const client = await t.pool.connect();
  try {
    const parts: Buffer[] = [];
    await pipeline(
      client.query(copyStreams.to(`COPY (SELECT * FROM ${table} ORDER BY slip_date, slip_no, line_no) TO STDOUT`)),
      new Writable({ write: (c, _e, cb) => (parts.push(c), cb()) }),
    );
    return Buffer.concat(parts).toString('utf8');
  } finally {
    client.release();
  }
}

const perDay = async (table: string, from: string, to: string) =>
  (
    await t.pool.query(
      `SELECT to_char(slip_date, 'YYYY-MM-DD') d, count(*)::int n, sum(net_weight_kg)::float kg FROM ${table} WHERE slip_date BETWEEN $1 AND $2 GROUP BY 1 ORDER BY 1`,
      [from, to],
    )
  ).rows;

const get = async (id: number) => (await t.app.inject({ method: 'GET', url: `/uploads/${id}` })).json();
const revert = (id: number) => t.app.inject({ method: 'POST', url: `/uploads/${id}/revert` });

describe('a correction file over 13 months of data', () => {
  const stg = 'stg.shogun_final_receive';
  let base: number;
  let beforeCorrection: string;
  let correction: number;

  beforeAll(async () => {
    // 2024-06-01 .. 2025-06-30, four lines a day.
    const done = await land(
      'receive',
      'final',
      receiveRows('2024-06-01', 395, 4, () => 1000),
    );
    expect(done.status).toBe('success');
    base = Number(done.id);
    beforeCorrection = await dump(stg);
  });

  it('is held when it keeps too few of the rows on its dates; nothing changes until it is confirmed', async () => {
    const rows = [
      row('receive', { date: '2024/07/01', slip: 'C1', line: 1, kg: '5' }),
      row('receive', { date: '2025/05/31', slip: 'C2', line: 1, kg: '7' }),
    ];
    const held = await land('receive', 'final', rows);
    correction = Number(held.id);
    expect(held.status).toBe('held');
    expect(held.held_reason).toMatch(/^replaces 8 rows on 2 dates with 2 rows/);
    // For the console: the guard's code and what it weighed, no route or command.
    expect((await t.app.inject({ method: 'GET', url: `/uploads/${correction}` })).json().held).toEqual({
      code: 'H_SHRINK',
      params: { rowsAdded: 2, rowsSuperseded: 8, dates: 2 },
    });
    expect(await dump(stg)).toBe(beforeCorrection);
    expect(
      (await t.pool.query('SELECT count(*)::int n FROM raw.shogun_receive WHERE upload_file_id = $1', [correction]))
        .rows[0].n,
    ).toBe(0);
    const listed = await t.app.inject({ method: 'GET', url: '/uploads?status=held&csvType=receive&flavour=final' });
    expect(listed.json().uploads.map((u: { id: number }) => u.id)).toEqual([correction]);
    // Held uploads block nobody: another final receive upload lands meanwhile (a date outside the base).
    const other = await land('receive', 'final', receiveRows('2025-07-01', 1, 2));
    expect(other.status).toBe('success');
    expect((await revert(Number(other.id))).statusCode).toBe(200);

    const confirm = await t.app.inject({ method: 'POST', url: `/uploads/${correction}/confirm` });
    expect(confirm.statusCode, confirm.body).toBe(202);
    expect(confirm.json()).toEqual({ id: correction, status: 'pending' });
    const done = await waitForUpload(t.pool, correction);
    expect(done.status).toBe('success');
    expect(done.confirmed_at).not.toBeNull();
    const again = await t.app.inject({ method: 'POST', url: `/uploads/${correction}/confirm` });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('E_NOT_HELD');
  });

  it('changes only the dates in the file and says what it did', async () => {
    expect(await perDay(stg, '2024-06-30', '2024-07-02')).toEqual([
      { d: '2024-06-30', n: 4, kg: 4000 },
      { d: '2024-07-01', n: 1, kg: 5 },
      { d: '2024-07-02', n: 4, kg: 4000 },
    ]);
    const total = (await t.pool.query(`SELECT count(*)::int n FROM ${stg}`)).rows[0].n;
    expect(total).toBe(395 * 4 - 8 + 2);
    expect(
      (
        await t.pool.query(`SELECT count(*)::int n FROM ${stg}_history WHERE superseded_by_upload_id = $1`, [
          correction,
        ])
      ).rows[0].n,
    ).toBe(8);
    expect(await get(correction)).toMatchObject({
      status: 'success',
      rowsAdded: 2,
      rowsSuperseded: 8,
      datesTouched: { first: '2024-07-01', last: '2025-05-31', count: 2 },
      period: null,
      heldReason: null,
      held: null,
    });
    // The base upload cannot be reverted while the correction touches its dates.
    const blocked = await revert(base);
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json()).toMatchObject({ code: 'E_REVERT_BLOCKED', laterUploadId: correction });
    expect(blocked.json().error).toContain(`revert upload ${correction} first`);
  });

  it('is reverted byte for byte, and the same bytes may be uploaded again', async () => {
    const res = await revert(correction);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ id: correction, status: 'reverted', rowsWithdrawn: 2, rowsRestored: 8 });
    expect(await dump(stg)).toBe(beforeCorrection);
    expect(
      (
        await t.pool.query(`SELECT count(*)::int n FROM ${stg}_history WHERE superseded_by_upload_id = $1`, [
          correction,
        ])
      ).rows[0].n,
    ).toBe(0);
    const u = await get(correction);
    expect(u.status).toBe('reverted');
    expect(u.revertedAt).not.toBeNull();
    expect((await revert(correction)).json().code).toBe('E_NOT_REVERTIBLE');
    // The refresh after the revert runs and is recorded on the upload.
    await waitFor(
      'refresh after revert',
      async () =>
        (
          await t.pool.query(`SELECT 1 FROM log.mv_refresh_log WHERE $1 = ANY(string_to_array(trigger, ','))`, [
            `revert:${correction}`,
          ])
        ).rowCount,
    );
    expect(await waitFor('refresh outcome', async () => (await get(correction)).refreshOutcome)).toBe('ok');
    const rows = [
      row('receive', { date: '2024/07/01', slip: 'C1', line: 1, kg: '5' }),
      row('receive', { date: '2025/05/31', slip: 'C2', line: 1, kg: '7' }),
    ];
    const res2 = await upload('receive', 'final', rows);
    expect(res2.statusCode, res2.body).toBe(202);
    expect((await waitForUpload(t.pool, res2.json().uploads[0].id)).status).toBe('held');
  });
});

describe('a chain of three uploads over one month', () => {
  const stg = 'stg.shogun_flash_receive';
  it('is reverted in reverse order back to the start; out of order is refused naming the later upload', async () => {
    const states = [await dump(stg)];
    const u1 = await land(
      'receive',
      'flash',
      receiveRows('2025-05-01', 31, 4, () => 100),
    );
    states.push(await dump(stg));
    const u2 = await land(
      'receive',
      'flash',
      receiveRows('2025-05-01', 31, 3, () => 200, 'B'),
    );
    states.push(await dump(stg));
    const u3 = await land(
      'receive',
      'flash',
      receiveRows('2025-05-10', 11, 3, () => 300, 'C'),
    );
    expect([u1.status, u2.status, u3.status]).toEqual(['success', 'success', 'success']);
    expect(u2.rows_superseded).toBe(124);
    expect(u3.rows_superseded).toBe(33);

    const early = await revert(Number(u1.id));
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'E_REVERT_BLOCKED', laterUploadId: Number(u3.id) });
    expect(await revert(Number(u3.id))).toMatchObject({ statusCode: 200 });
    expect(await dump(stg)).toBe(states[2]);
    expect((await revert(Number(u1.id))).json()).toMatchObject({
      code: 'E_REVERT_BLOCKED',
      laterUploadId: Number(u2.id),
    });
    expect((await revert(Number(u2.id))).json()).toEqual({
      id: Number(u2.id),
      status: 'reverted',
      rowsWithdrawn: 93,
      rowsRestored: 124,
    });
    expect(await dump(stg)).toBe(states[1]);
    expect((await revert(Number(u1.id))).json()).toEqual({
      id: Number(u1.id),
      status: 'reverted',
      rowsWithdrawn: 124,
      rowsRestored: 0,
    });
    expect(await dump(stg)).toBe(states[0]);
    expect((await t.pool.query(`SELECT count(*)::int n FROM ${stg}_history`)).rows[0].n).toBe(0);
  });
});

describe('period=', () => {
  const stg = 'stg.shogun_final_yard';
  const yardRows = (start: string, days: number, perDay: number, kg: number) =>
    receiveRows(start, days, perDay, () => kg).map((r) =>
      row('yard', { date: r[0]!, slip: r[1]!, line: Number(r[2]), kg: r[7]! }),
    );

  it('empties the dates of the period absent from the file, on purpose', async () => {
    expect((await land('yard', 'final', yardRows('2025-08-01', 10, 4, 10))).status).toBe('success');
    const p = await land('yard', 'final', yardRows('2025-08-01', 6, 4, 20), [
      { name: 'period', value: '2025-08-01..2025-08-31' },
    ]);
    expect(p.status).toBe('success');
    expect(await perDay(stg, '2025-08-01', '2025-08-31')).toEqual(
      ['01', '02', '03', '04', '05', '06'].map((d) => ({ d: `2025-08-${d}`, n: 4, kg: 80 })),
    );
    expect(await get(Number(p.id))).toMatchObject({
      rowsAdded: 24,
      rowsSuperseded: 40,
      datesTouched: { first: '2025-08-01', last: '2025-08-10', count: 10 },
      period: { from: '2025-08-01', to: '2025-08-31' },
    });
  });

  it('makes a row outside the period a row error', async () => {
    const f = await land('yard', 'final', yardRows('2025-09-29', 3, 1, 10), [
      { name: 'period', value: '2025-09-01..2025-09-30' },
    ]);
    expect(f.status).toBe('failed');
    expect(f.errors).toEqual([
      expect.objectContaining({
        line: 4,
        column: '伝票日付',
        value: '2025/10/01',
        reason: expect.stringContaining('outside the stated period 2025-09-01..2025-09-30'),
      }),
    ]);
  });

  it('refuses a malformed or reversed period with 400', async () => {
    for (const value of ['2025-09-01', '2025-09-31..2025-10-01', '2025-10-01..2025-09-01']) {
      const res = await upload('yard', 'final', yardRows('2025-09-01', 1, 1, 1), [{ name: 'period', value }]);
      expect(res.statusCode, value).toBe(400);
      expect(res.json().code).toBe('E_PERIOD');
    }
  });
});

describe('two uploads of the same kind and flavour at once', () => {
  it('both succeed, in the order they were accepted, the later one wins', async () => {
    const a = receiveRows('2025-10-01', 5, 40, () => 1, 'K');
    const b = receiveRows('2025-10-01', 5, 40, () => 2, 'K');
    const [ra, rb] = await Promise.all([upload('receive', 'final', a), upload('receive', 'final', b)]);
    const ids = [ra.json().uploads[0].id, rb.json().uploads[0].id] as number[];
    const done = await Promise.all(ids.map((id) => waitForUpload(t.pool, id)));
    expect(done.map((d) => [d.status, d.error_message])).toEqual([
      ['success', null],
      ['success', null],
    ]);
    const later = Math.max(...ids);
    const rows = (
      await t.pool.query(
        `SELECT DISTINCT upload_file_id::int id, net_weight_kg::float kg FROM stg.shogun_final_receive WHERE slip_date BETWEEN '2025-10-01' AND '2025-10-05'`,
      )
    ).rows;
    expect(rows).toEqual([{ id: later, kg: later === ids[0] ? 1 : 2 }]);
    const first = done.find((d) => Number(d.id) !== later)!;
    const second = done.find((d) => Number(d.id) === later)!;
    expect(second.rows_superseded).toBe(200);
    expect(new Date(second.finished_at).getTime()).toBeGreaterThan(new Date(first.finished_at).getTime());
  });
});

describe('refused requests', () => {
  it('multipart without a boundary or cut short is a 400 naming the problem', async () => {
    const noBoundary = await t.app.inject({
      method: 'POST',
      url: '/upload/csv',
      headers: { 'content-type': 'multipart/form-data' },
      payload: 'x',
    });
    expect(noBoundary.statusCode).toBe(400);
    expect(noBoundary.json()).toMatchObject({ code: 'E_MULTIPART', error: expect.stringContaining('boundary') });
    const full = multipart([
      { name: 'flavour', value: 'final' },
      { name: 'receive', filename: 'r.csv', content: encode(csvText('receive', receiveRows('2025-11-01', 1, 2))) },
    ]);
    const cut = await t.app.inject({
      method: 'POST',
      url: '/upload/csv',
      headers: full.headers,
      payload: full.payload.subarray(0, full.payload.length - 40),
    });
    expect(cut.statusCode, cut.body).toBe(400);
    expect(cut.json()).toMatchObject({ code: 'E_MULTIPART', error: expect.stringContaining('ends before') });
  });

  it('two flavour fields are refused; "upload stored" is logged only for a request that was kept', async () => {
    const lines: { msg: string; uploadId?: number }[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    const app = await build({ pool: t.pool, databaseUrl: t.db.url, config: t.config, logger });
    try {
      const content = encode(csvText('receive', receiveRows('2025-11-10', 1, 2)));
      const twice = multipart([
        { name: 'flavour', value: 'final' },
        { name: 'flavour', value: 'flash' },
        { name: 'receive', filename: 'r.csv', content },
      ]);
      const res = await app.inject({ method: 'POST', url: '/upload/csv', ...twice });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'E_FIELD', error: expect.stringContaining('flavour was sent twice') });
      // The file comes before the refusal here: it was stored in the transaction, then rolled back.
      const late = multipart([
        { name: 'receive', filename: 'r.csv', content },
        { name: 'flavour', value: 'fresh' },
      ]);
      expect((await app.inject({ method: 'POST', url: '/upload/csv', ...late })).statusCode).toBe(400);
      expect(lines.filter((l) => l.msg === 'upload stored')).toEqual([]);
      const ok = await app.inject({
        method: 'POST',
        url: '/upload/csv',
        ...multipart([
          { name: 'flavour', value: 'flash' },
          { name: 'receive', filename: 'r.csv', content },
        ]),
      });
      expect(ok.statusCode).toBe(202);
      expect(lines.filter((l) => l.msg === 'upload stored').map((l) => l.uploadId)).toEqual([ok.json().uploads[0].id]);
      await waitForUpload(t.pool, ok.json().uploads[0].id);
    } finally {
      await app.close();
    }
  });

  it('revert and confirm of unknown or wrong-status uploads answer 404 / 409 / 400', async () => {
    expect((await revert(999999)).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/uploads/999999/confirm' })).json().code).toBe('E_NOT_FOUND');
    expect((await t.app.inject({ method: 'POST', url: '/uploads/abc/revert' })).statusCode).toBe(400);
    const failed = await land('receive', 'final', [row('receive', { date: 'bad', slip: 'X', line: 1, kg: '1' })]);
    expect(failed.status).toBe('failed');
    expect((await revert(Number(failed.id))).json().code).toBe('E_NOT_REVERTIBLE');
    expect((await t.app.inject({ method: 'POST', url: `/uploads/${failed.id}/confirm` })).json().code).toBe(
      'E_NOT_HELD',
    );
  });
});
