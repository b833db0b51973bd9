import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { installWorkerSchema } from '@warehouse/refresher';
import { runScript, writeRegistry } from './run-script.ts';

/**
 * pnpm upload:revert / upload:confirm as users run them, on a database holding three uploads as the
 * ingest job leaves them: 1 landed rows on 2025-01-01, 2 superseded them (they are in the history
 * table), 3 is held.
 */
const registryFile = writeRegistry('upload-commands-', {
  local_dev: { embedded: { port: 1 } },
  vm_prod: { remote: true, protected: true },
});

let db: TestDatabase;
let pool: pg.Pool;
/** Queued jobs of a task (graphile-worker's own tables: its public view leaves out the payload). */
const jobs = async (task: string) =>
  (
    await pool.query(
      `SELECT q.queue_name, j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
         LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id WHERE t.identifier = $1`,
      [task],
    )
  ).rows;
/** The audit rows of an action (one per CLI operation that changed something, none for a refused one). */
const audits = async (action: string) =>
  (
    await pool.query(`SELECT object_id, actor_type, actor_name FROM log.audit_event WHERE action = $1 ORDER BY id`, [
      action,
    ])
  ).rows;
const stgRows = async () =>
  (
    await pool.query(
      `SELECT slip_no, line_no, upload_file_id::int AS up, net_weight_kg::float AS kg FROM stg.shogun_final_receive ORDER BY slip_no, line_no`,
    )
  ).rows;

beforeAll(async () => {
  const admin = inject('pgAdminUrl');
  db = await createTestDatabase(admin, { template: await createMigratedTemplate(admin), prefix: 'cli_uploads' });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {})); // graphile-worker warns without it
  await installWorkerSchema({ pool });
  await pool.query(`
    INSERT INTO log.upload_file (id, csv_type, flavour, file_name, file_sha256, file_size, status, rows_added, rows_superseded, dates_touched, touched_first, touched_last, finished_at, held_reason)
    VALUES (1, 'receive', 'final', 'a.csv', 'a', 1, 'success', 2, 0, 1, '2025-01-01', '2025-01-01', now() - interval '2 min', NULL),
           (2, 'receive', 'final', 'b.csv', 'b', 1, 'success', 1, 2, 1, '2025-01-01', '2025-01-01', now() - interval '1 min', NULL),
           (3, 'receive', 'final', 'c.csv', 'c', 1, 'held', 1, 9, 1, '2025-01-02', '2025-01-02', now(), 'replaces 9 rows on 1 dates with 1 rows');
    INSERT INTO log.upload_touched_date VALUES (1, '2025-01-01'), (2, '2025-01-01');
    INSERT INTO stg.shogun_final_receive (slip_date, slip_no, line_no, net_weight_kg, upload_file_id, source_line) VALUES ('2025-01-01', 'B', 1, 5, 2, 2);
    INSERT INTO stg.shogun_final_receive_history (slip_date, slip_no, line_no, net_weight_kg, upload_file_id, source_line, created_at, superseded_by_upload_id, superseded_at)
    VALUES ('2025-01-01', 'A', 1, 1, 1, 2, now(), 2, now()), ('2025-01-01', 'A', 2, 2, 1, 3, now(), 2, now());`);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const run = (script: string, args: string[], env: 'local_dev' | 'vm_prod' = 'local_dev') =>
  runScript(script, [...args, '--env', env], {
    WAREHOUSE_ENV_FILE: registryFile,
    WAREHOUSE_COUNTDOWN_SECONDS: '0',
    DATABASE_URL_LOCAL_DEV: env === 'local_dev' ? db.url : undefined,
    DATABASE_URL_VM_PROD: env === 'vm_prod' ? db.url : undefined,
    FORCE: undefined,
  });

describe('pnpm upload:revert', () => {
  it('refuses an upload a later one builds on, naming it (exit 1, nothing changed)', async () => {
    const r = await run('upload-revert', ['--id', '1']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('E_REVERT_BLOCKED');
    expect(r.stderr).toContain('revert upload 2 first');
    expect(await stgRows()).toEqual([{ slip_no: 'B', line_no: 1, up: 2, kg: 5 }]);
  });

  it('is refused on a protected env without --force (exit 2, nothing changed)', async () => {
    const r = await run('upload-revert', ['--id', '2'], 'vm_prod');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/E_ENV_PROTECTED|E_GUARD_REFUSED/);
    expect((await pool.query(`SELECT status FROM log.upload_file WHERE id = 2`)).rows[0].status).toBe('success');
  });

  it('withdraws the rows, restores the superseded ones and queues the MV refresh', async () => {
    const r = await run('upload-revert', ['--id', '2', '--json', '--as', 'yamada']);
    expect(r.code, r.stderr).toBe(0);
    expect(await audits('upload.reverted')).toEqual([{ object_id: '2', actor_type: 'cli', actor_name: 'yamada' }]);
    expect(JSON.parse(r.stdout)).toEqual({ id: 2, status: 'reverted', rowsWithdrawn: 1, rowsRestored: 2 });
    expect(await stgRows()).toEqual([
      { slip_no: 'A', line_no: 1, up: 1, kg: 1 },
      { slip_no: 'A', line_no: 2, up: 1, kg: 2 },
    ]);
    expect(JSON.stringify((await jobs('mv_refresh'))[0]?.payload)).toContain('revert:2');
    expect((await run('upload-revert', ['--id', '2'])).stderr).toContain('E_NOT_REVERTIBLE');
  });

  it('says how to call it without --id (exit 1)', async () => {
    const r = await run('upload-revert', []);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--id N');
  });
});

describe('pnpm upload:confirm', () => {
  it('puts a held upload back to pending and queues it in its kind+flavour queue', async () => {
    const r = await run('upload-confirm', ['--id', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(await audits('upload.confirmed')).toEqual([
      { object_id: '3', actor_type: 'cli', actor_name: (await import('node:os')).userInfo().username },
    ]);
    const u = (await pool.query(`SELECT status, confirmed_at FROM log.upload_file WHERE id = 3`)).rows[0];
    expect(u.status).toBe('pending');
    expect(u.confirmed_at).not.toBeNull();
    expect(await jobs('ingest_upload')).toEqual([{ queue_name: 'ingest:receive:final', payload: { uploadId: 3 } }]);
  });

  it('refuses an upload that is not held (exit 1)', async () => {
    const r = await run('upload-confirm', ['--id', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('E_NOT_HELD');
    // a refused action writes no audit row
    expect(await audits('upload.confirmed')).toHaveLength(1);
  });
});
