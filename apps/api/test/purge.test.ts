import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAge, purgeFailedUploadBytes } from '../src/ingest/purge.ts';
import { csvText, encode, receiveRows } from './csv.ts';
import { multipart, testApp, waitForUpload, type TestApp } from './helper.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** `pnpm upload:purge …` as a subprocess. */
function purgeCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(repoRoot, 'node_modules/.bin/tsx'),
      [path.join(repoRoot, 'apps/api/scripts/upload-purge.ts'), ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, NO_COLOR: '1', WAREHOUSE_COUNTDOWN_SECONDS: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

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
      const dry = await purgeFailedUploadBytes(client, { olderThanMs: parseAge('30d'), dryRun: true });
      expect(dry.uploads.map((u) => u.id)).toEqual([oldFailed]);
      expect(await blobs(oldFailed)).toBeGreaterThan(0);
      const r = await purgeFailedUploadBytes(client, { olderThanMs: parseAge('30d') });
      expect(r).toMatchObject({ dryRun: false, uploads: [{ id: oldFailed, fileName: 'r.csv' }] });
      expect(r.bytes).toBe(Buffer.byteLength(csvText('receive', bad)));
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

  it('the CLI purges on a local env, defaults to UPLOAD_FAILED_RETENTION_DAYS, refuses a bad age and a protected env', async () => {
    const bad = receiveRows('2025-03-01', 1, 2);
    bad[0]![0] = 'soon';
    const id = await upload(bad);
    await age(id, 10);
    const env = { DATABASE_URL_LOCAL_DEV: t.db.url };
    const help = await purgeCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout + help.stderr).toMatch(/--failed-older-than AGE/);
    const badAge = await purgeCli(['--failed-older-than', 'a month'], env);
    expect(badAge.code).toBe(1);
    expect(badAge.stderr).toMatch(/"a month" is not an age/);
    const keep = await purgeCli(['--json'], env); // default 30 days: 10 days is not old enough
    expect(keep.code, keep.stderr).toBe(0);
    expect(JSON.parse(keep.stdout).uploads).toEqual([]);
    const dry = await purgeCli(['--json', '--dry-run'], { ...env, UPLOAD_FAILED_RETENTION_DAYS: '7' });
    expect(JSON.parse(dry.stdout).uploads.map((u: { id: number }) => u.id)).toEqual([id]);
    expect(await blobs(id)).toBeGreaterThan(0);
    const prod = await purgeCli(['--env', 'vm_prod', '--failed-older-than', '7d'], { DATABASE_URL_VM_PROD: t.db.url });
    expect(prod.code).toBe(2);
    expect(await blobs(id)).toBeGreaterThan(0);
    const done = await purgeCli(['--failed-older-than', '7d'], env);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/deleted the bytes of 1 failed upload\(s\) older than 7d/);
    expect(await blobs(id)).toBe(0);
  });
});
