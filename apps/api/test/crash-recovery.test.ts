import { afterAll, beforeAll, expect, it } from 'vitest';
import { csvText, encode, receiveRows } from './csv.ts';
import { multipart, testApp, waitFor, waitForUpload, type TestApp } from './helper.ts';
import { spawnScript, type Child } from './processes.ts';

let t: TestApp;
const children: Child[] = [];
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  for (const c of children) await c.stop();
  await t?.close();
});

function worker(): Child {
  const c = spawnScript('worker-main.ts', {
    DATABASE_URL: t.db.url,
    WORKER_CONCURRENCY: '1',
    INGEST_STALE_JOB_SECONDS: '1',
    INGEST_SWEEP_INTERVAL_MS: '200',
  });
  children.push(c);
  return c;
}

async function upload(content: Buffer): Promise<number> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/upload/csv',
    ...multipart([
      { name: 'flavour', value: 'final' },
      { name: 'receive', filename: 'r.csv', content },
    ]),
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().uploads[0].id;
}

it('a worker killed in the middle of a job leaves no rows; the retried job lands the file exactly once', async () => {
  const w1 = worker();
  await w1.waitFor(/worker running/);
  const a = await upload(
    encode(
      csvText(
        'receive',
        receiveRows('2025-06-01', 3, 50, () => 100, 'A'),
      ),
      'cp932',
    ),
  );
  expect((await waitForUpload(t.pool, a)).status).toBe('success');

  // Hold a row of the period so the next job blocks where it supersedes (DELETE … into history): after it has COPYed its raw
  // rows and validated them, before it commits — a point we can see from outside.
  const holder = await t.pool.connect();
  await holder.query('BEGIN');
  await holder.query(`SELECT 1 FROM stg.shogun_final_receive WHERE slip_date = '2025-06-02' LIMIT 1 FOR UPDATE`);
  const bRows = receiveRows('2025-06-01', 3, 40, () => 250, 'B');
  const b = await upload(encode(csvText('receive', bRows), 'cp932'));
  await waitFor('the job to block on the held row', async () => {
    const { rows } = await t.pool.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%DELETE FROM stg.shogun_final_receive %'`,
    );
    return rows.length > 0;
  });
  expect((await t.pool.query('SELECT status FROM log.upload_file WHERE id = $1', [b])).rows[0].status).toBe(
    'processing',
  );
  w1.proc.kill('SIGKILL');
  await w1.exited;
  await holder.query('ROLLBACK');
  holder.release();

  // The dead worker's transaction is rolled back: only file A is there.
  await waitFor('the dead backend to go', async () => {
    const { rows } = await t.pool.query(
      `SELECT count(*)::int n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%DELETE FROM stg.%' AND state <> 'idle'`,
    );
    return rows[0].n === 0;
  });
  const before = await t.pool.query(
    `SELECT upload_file_id::int id, count(*)::int n FROM stg.shogun_final_receive GROUP BY 1`,
  );
  expect(before.rows).toEqual([{ id: a, n: 150 }]);
  expect(
    (await t.pool.query('SELECT count(*)::int n FROM raw.shogun_receive WHERE upload_file_id = $1', [b])).rows[0].n,
  ).toBe(0);

  // A new worker releases the dead one's job and lands the file once.
  const w2 = worker();
  await w2.waitFor(/worker running/);
  const done = await waitForUpload(t.pool, b);
  expect(done).toMatchObject({ status: 'success', row_count: bRows.length });
  const stg = await t.pool.query(
    `SELECT upload_file_id::int id, count(*)::int n, count(DISTINCT (slip_date, slip_no, line_no))::int k FROM stg.shogun_final_receive GROUP BY 1`,
  );
  expect(stg.rows).toEqual([{ id: b, n: bRows.length, k: bRows.length }]);
  const raw = await t.pool.query(
    'SELECT count(*)::int n, count(DISTINCT source_line)::int l FROM raw.shogun_receive WHERE upload_file_id = $1',
    [b],
  );
  expect(raw.rows[0]).toEqual({ n: bRows.length, l: bRows.length });
  // The job completes (graphile-worker deletes it) right after the upload's commit.
  await waitFor(
    'the ingest job to complete',
    async () =>
      (await t.pool.query(`SELECT count(*)::int n FROM graphile_worker.jobs WHERE task_identifier = 'ingest_upload'`))
        .rows[0].n === 0,
  );
});
