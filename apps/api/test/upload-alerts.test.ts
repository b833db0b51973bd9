/**
 * A failed or held upload is alerted when it happens (no watch/cron runs here): the ingest job
 * opens the incident and the worker POSTs it to a real HTTP receiver; a confirmed held upload and
 * a failed file sent again and landed each send one "resolved"; nothing is sent twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncUploadIncidents } from '@warehouse/refresher';
import { startReceiver, type Receiver } from '@warehouse/refresher/testing';
import { csvText, encode, receiveRows, row } from './csv.ts';
import { multipart, silent, testApp, waitFor, waitForUpload, type TestApp } from './helper.ts';

let t: TestApp;
let hook: Receiver;
beforeAll(async () => {
  hook = await startReceiver();
  // As in production: the alert settings reach the ingest job and the alert task through the env.
  process.env.ALERT_WEBHOOK_URL = hook.url;
  t = await testApp();
  await t.startWorker();
});
afterAll(async () => {
  await t?.close();
  await hook?.close();
  delete process.env.ALERT_WEBHOOK_URL;
});

async function land(fileName: string, rows: string[][]) {
  const body = multipart([
    { name: 'flavour', value: 'final' },
    { name: 'receive', filename: fileName, content: encode(csvText('receive', rows)) },
  ]);
  const res = await t.app.inject({ method: 'POST', url: '/upload/csv', ...body });
  expect(res.statusCode, res.body).toBe(202);
  return waitForUpload(t.pool, res.json().uploads[0].id);
}

/** The webhook bodies for one upload's incident, in arrival order. */
const bodiesFor = (id: number) => hook.bodies.filter((b) => b.key === `upload:${id}`);
const delivered = (id: number, n: number) =>
  waitFor(`${n} alert(s) for upload ${id} at the webhook`, async () => bodiesFor(id).length >= n);

describe('upload alerts, sent when the upload is marked', () => {
  it('a failed upload alerts at once and resolves when the fixed file (same name) lands', async () => {
    const rows = receiveRows('2025-01-06', 3, 2);
    const bad = [...rows, row('receive', { date: '2025/13/45', slip: 'X1', line: 1, kg: '100' })];
    const failed = await land('受入一覧_202501.csv', bad);
    expect(failed.status).toBe('failed');
    const id = Number(failed.id);
    await delivered(id, 1);
    expect(bodiesFor(id)[0]).toMatchObject({
      event: 'opened',
      kind: 'upload_failed',
      subject: `upload ${id}`,
      look: `GET /uploads/${id}`,
      fields: { uploadId: id, csvType: 'receive', flavour: 'final', status: 'failed' },
    });
    expect(bodiesFor(id)[0]!.text).toMatch(
      new RegExp(`^upload ${id} \\(receive, 受入一覧_202501\\.csv\\) failed: .*line 8`),
    );

    const fixed = await land('受入一覧_202501.csv', rows);
    expect(fixed.status).toBe('success');
    await delivered(id, 2);
    expect(bodiesFor(id)[1]).toMatchObject({ event: 'resolved', kind: 'upload_failed' });
    expect(bodiesFor(id)[1]!.text).toContain(`sent again and landed as upload ${fixed.id}`);
  });

  it('a held upload alerts at once; confirming it sends one "resolved"', async () => {
    await land('base.csv', receiveRows('2025-03-03', 2, 6));
    const held = await land('correction.csv', receiveRows('2025-03-03', 2, 1));
    expect(held.status).toBe('held');
    const id = Number(held.id);
    await delivered(id, 1);
    expect(bodiesFor(id)[0]).toMatchObject({ event: 'opened', kind: 'upload_held', fields: { status: 'held' } });
    expect(bodiesFor(id)[0]!.text).toMatch(/held: replaces 12 rows .*POST \/uploads\/\d+\/confirm/);

    const confirm = await t.app.inject({ method: 'POST', url: `/uploads/${id}/confirm` });
    expect(confirm.statusCode, confirm.body).toBe(202);
    await delivered(id, 2);
    expect(bodiesFor(id)[1]).toMatchObject({ event: 'resolved', kind: 'upload_held' });
    // The route's resolve races the worker's (queued, processing or landed by then): both say confirmed.
    expect(bodiesFor(id)[1]!.text).toMatch(
      new RegExp(
        `^RESOLVED: upload ${id}: confirmed; (it is queued to land|the upload is now (processing|success)) \\(open since `,
      ),
    );
    expect((await waitForUpload(t.pool, id)).status).toBe('success');
  });

  it('the watch pass afterwards sends nothing more: one alert per incident, one "resolved"', async () => {
    const before = hook.requests.length;
    expect(await syncUploadIncidents(t.pool, { logger: silent })).toEqual({ opened: 0, resolved: 0 });
    const { rows } = await t.pool.query(
      `select key, count(*)::int n, count(resolved_at)::int resolved from log.alert_incident group by key order by key`,
    );
    expect(rows.every((r) => r.n === 1 && r.resolved === 1)).toBe(true);
    expect(rows).toHaveLength(2);
    // Let any stray alert job run before counting again.
    await waitFor('alert jobs done', async () => {
      const q = await t.pool.query(`select 1 from graphile_worker.jobs where task_identifier = 'alert_webhook'`);
      return q.rowCount === 0;
    });
    expect(hook.requests.length).toBe(before);
    expect(hook.bodies.map((b) => `${String(b.key)} ${String(b.event)}`).sort()).toEqual(
      rows.flatMap((r) => [`${r.key} opened`, `${r.key} resolved`]).sort(),
    );
  });
});
