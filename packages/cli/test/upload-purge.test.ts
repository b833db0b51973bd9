import os from 'node:os';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { runScript, writeRegistry } from './run-script.ts';

/**
 * pnpm upload:purge as users run it, on a database holding uploads as the API leaves them: 1 failed
 * 10 days ago, 2 succeeded 400 days ago, both with their stored bytes. (The library itself, on
 * uploads that failed through the API, is tested in apps/api/test/purge.test.ts.)
 */
const registryFile = writeRegistry('upload-purge-', {
  local_dev: { embedded: { port: 1 } },
  vm_prod: { remote: true, protected: true },
});

let db: TestDatabase;
let pool: pg.Pool;
const blobs = async (id: number) =>
  (await pool.query('SELECT count(*)::int AS n FROM log.upload_blob WHERE upload_file_id = $1', [id])).rows[0]
    .n as number;

const purged = async () =>
  (
    await pool.query(
      `SELECT actor_type, actor_name, object_type, object_id, before FROM log.audit_event WHERE action = 'upload.purged' ORDER BY id`,
    )
  ).rows;

beforeAll(async () => {
  const admin = inject('pgAdminUrl');
  db = await createTestDatabase(admin, { template: await createMigratedTemplate(admin), prefix: 'cli_purge' });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await pool.query(`
    INSERT INTO log.upload_file (id, csv_type, flavour, file_name, file_sha256, file_size, status, finished_at)
    VALUES (1, 'receive', 'final', 'bad.csv', 'a', 7, 'failed', now() - interval '10 days'),
           (2, 'receive', 'final', 'good.csv', 'b', 5, 'success', now() - interval '400 days');
    INSERT INTO log.upload_blob VALUES (1, 0, '\\x6261642e637376'), (2, 0, '\\x676f6f64');`);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const run = (args: string[], env: 'local_dev' | 'vm_prod' = 'local_dev', vars: Record<string, string> = {}) =>
  runScript('upload-purge', [...args, '--env', env], {
    WAREHOUSE_ENV_FILE: registryFile,
    WAREHOUSE_COUNTDOWN_SECONDS: '0',
    DATABASE_URL_LOCAL_DEV: env === 'local_dev' ? db.url : undefined,
    DATABASE_URL_VM_PROD: env === 'vm_prod' ? db.url : undefined,
    FORCE: undefined,
    UPLOAD_FAILED_RETENTION_DAYS: undefined,
    ...vars,
  });

describe('pnpm upload:purge', () => {
  it('has --help (exit 0) and refuses a bad age or a bad UPLOAD_FAILED_RETENTION_DAYS (exit 1)', async () => {
    const help = await runScript('upload-purge', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout + help.stderr).toMatch(/--failed-older-than AGE/);
    const badAge = await run(['--failed-older-than', 'a month']);
    expect(badAge.code).toBe(1);
    expect(badAge.stderr).toMatch(/"a month" is not an age/);
    const badDays = await run([], 'local_dev', { UPLOAD_FAILED_RETENTION_DAYS: 'soon' });
    expect(badDays.code).toBe(1);
    expect(badDays.stderr).toMatch(/UPLOAD_FAILED_RETENTION_DAYS must be a whole number of days/);
    expect(await blobs(1)).toBe(1);
  });

  it('keeps bytes younger than UPLOAD_FAILED_RETENTION_DAYS (default 30); a dry run lists and deletes nothing', async () => {
    const keep = await run(['--json']);
    expect(keep.code, keep.stderr).toBe(0);
    expect(JSON.parse(keep.stdout).uploads).toEqual([]);
    const dry = await run(['--json', '--dry-run'], 'local_dev', { UPLOAD_FAILED_RETENTION_DAYS: '7' });
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, bytes: 7, uploads: [{ id: 1, fileName: 'bad.csv' }] });
    expect(await blobs(1)).toBe(1);
  });

  it('is refused on a protected env without --force (exit 2, nothing deleted)', async () => {
    const r = await run(['--failed-older-than', '7d'], 'vm_prod');
    expect(r.code, r.stderr).toBe(2);
    expect(await blobs(1)).toBe(1);
  });

  it("deletes the failed upload's bytes only; its row stays, successful uploads are never touched", async () => {
    expect(await purged()).toEqual([]); // the dry run and the refused run wrote no event
    const r = await run(['--failed-older-than', '7d', '--as', 'yamada']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/deleted the bytes of 1 failed upload\(s\) older than 7d \(7 bytes\)/);
    expect([await blobs(1), await blobs(2)]).toEqual([0, 1]);
    expect((await pool.query('SELECT status FROM log.upload_file WHERE id = 1')).rows[0].status).toBe('failed');
    // Its audit row, written in the purge's transaction: who (--as), what, the bytes it had.
    expect(await purged()).toEqual([
      {
        actor_type: 'cli',
        actor_name: 'yamada',
        object_type: 'upload',
        object_id: '1',
        before: expect.objectContaining({ fileName: 'bad.csv', bytes: 7 }),
      },
    ]);
  });

  it('without --as, the audit row names the OS user; nothing to purge writes no row', async () => {
    await pool.query(`INSERT INTO log.upload_file (id, csv_type, flavour, file_name, file_sha256, file_size, status, finished_at)
      VALUES (3, 'receive', 'final', 'bad2.csv', 'c', 3, 'failed', now() - interval '10 days');
      INSERT INTO log.upload_blob VALUES (3, 0, '\\x616263');`);
    const r = await run(['--failed-older-than', '7d']);
    expect(r.code, r.stderr).toBe(0);
    const rows = await purged();
    expect(rows.map((e) => [e.object_id, e.actor_name])).toEqual([
      ['1', 'yamada'],
      ['3', os.userInfo().username],
    ]);
    const again = await run(['--failed-older-than', '7d']);
    expect(again.code, again.stderr).toBe(0);
    expect(await purged()).toHaveLength(2);
  });
});
