import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAge, purgeFailedUploadBytes } from '@warehouse/db/uploads';
import { listAudit } from '@warehouse/db/accounts';
import { csvText, encode, receiveRows } from './csv.ts';
import { multipart, testApp, waitForUpload, type TestApp } from './helper.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await t.startWorker();
});
afterAll(async () => t?.close());

async function upload(rows: string[][], flavour = 'final'): Promise<number> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/upload/csv',
    ...multipart([
      { name: 'flavour', value: flavour },
      { name: 'receive', filename: 'r.csv', content: encode(csvText('receive', rows)) },
    ]),
  });
  expect(res.statusCode, res.body).toBe(202);
  const id = res.json().uploads[0].id as number;
  await waitForUpload(t.pool, id);
  return id;
}

const blobs = async (id: number) =>
  (await t.pool.query('SELECT count(*)::int AS n FROM log.upload_blob WHERE upload_file_id = $1', [id])).rows[0]
    .n as number;
const age = (id: number, days: number) =>
  t.pool.query(`UPDATE log.upload_file SET finished_at = now() - make_interval(days => $2) WHERE id = $1`, [id, days]);

/**
 * The retention library (@warehouse/db/uploads purgeFailedUploadBytes) on uploads that failed
 * through the API; the CLI over it is tested in packages/cli/test/upload-purge.test.ts.
 */
describe('upload:purge', () => {
  it('parses ages and refuses anything else', () => {
    expect(parseAge('30d')).toBe(30 * 86_400_000);
    expect(parseAge('12h')).toBe(12 * 3_600_000);
    expect(parseAge('90m')).toBe(90 * 60_000);
    expect(() => parseAge('30')).toThrow(/not an age.*e\.g\. 30d/);
    expect(() => parseAge('-1d')).toThrow(/not an age/);
  });

  it('deletes only the bytes of uploads that failed before the cutoff; rows and error reports stay', async () => {
    const bad = receiveRows('2025-01-01', 1, 4);
    bad[1]![0] = '2025/13/01';
    const oldFailed = await upload(bad);
    const bad2 = receiveRows('2025-01-02', 1, 4);
    bad2[0]![7] = 'x';
    const recentFailed = await upload(bad2);
    const oldSuccess = await upload(receiveRows('2025-02-01', 1, 4));
    await age(oldFailed, 40);
    await age(recentFailed, 5);
    await age(oldSuccess, 400);
    expect(await blobs(oldFailed)).toBeGreaterThan(0);

    const client = await t.pool.connect();
    try {
      const actor = { type: 'cli' as const, id: null, name: 'retention-job' };
      const dry = await purgeFailedUploadBytes(client, { olderThanMs: parseAge('30d'), dryRun: true, actor });
      expect(dry.uploads.map((u) => u.id)).toEqual([oldFailed]);
      expect(await blobs(oldFailed)).toBeGreaterThan(0);
      expect(await listAudit(t.pool, { action: 'upload.purged' })).toEqual([]);
      const r = await purgeFailedUploadBytes(client, { olderThanMs: parseAge('30d'), actor });
      expect(r).toMatchObject({ dryRun: false, uploads: [{ id: oldFailed, fileName: 'r.csv' }] });
      expect(r.bytes).toBe(Buffer.byteLength(csvText('receive', bad)));
      // One upload.purged row per purged upload, by the given actor (none for the dry run).
      const events = await listAudit(t.pool, { action: 'upload.purged' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        actorType: 'cli',
        actorName: 'retention-job',
        objectType: 'upload',
        objectId: String(oldFailed),
        before: { fileName: 'r.csv', bytes: r.bytes },
      });
    } finally {
      client.release();
    }
    expect([await blobs(oldFailed), (await blobs(recentFailed)) > 0, (await blobs(oldSuccess)) > 0]).toEqual([
      0,
      true,
      true,
    ]);
    const shown = await t.app.inject({ method: 'GET', url: `/uploads/${oldFailed}/errors` });
    expect(shown.json().total).toBe(1);
    expect((await t.pool.query('SELECT status FROM log.upload_file WHERE id = $1', [oldFailed])).rows[0].status).toBe(
      'failed',
    );
  });
});
