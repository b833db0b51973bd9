import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { seedReferenceData } from '@warehouse/demo/seed';
import { csvText, encode, receiveRows } from './csv.ts';
import { testDatabase, waitFor } from './helper.ts';
import { spawnScript, type Child } from './processes.ts';
import type { TestDatabase } from '@warehouse/migrate/testing';

let db: TestDatabase;
let pool: pg.Pool;
const children: Child[] = [];
beforeAll(async () => {
  db = await testDatabase();
  pool = new pg.Pool({ connectionString: db.url });
  pool.on('error', () => {});
  const client = await pool.connect();
  await seedReferenceData(client, { from: '2025-01-01', to: '2025-12-31' });
  client.release();
});
afterAll(async () => {
  for (const c of children) await c.stop();
  await pool?.end();
  await db?.drop();
});

function start(script: string, env: Record<string, string>, args: string[] = []): Child {
  // Coalescing is what the debounce window promises: with the default 0 a refresh may start
  // between two of the ten ingests on a fast machine (seen on Node 24 in CI), so give it 3 s.
  // The ten uploads all come from 127.0.0.1: the per-client cap (3 by default, tested in
  // upload-bounds.test.ts) is raised so that this test is about two processes, not about the cap.
  const c = spawnScript(
    script,
    {
      DATABASE_URL: db.url,
      HOST: '127.0.0.1',
      MV_REFRESH_DEBOUNCE_MS: '3000',
      UPLOAD_MAX_CONCURRENT_PER_CLIENT: '10',
      ...env,
    },
    args,
  );
  children.push(c);
  return c;
}

it('two API processes and one worker: 10 concurrent uploads all land and the MV refresh is coalesced', async () => {
  const apis = [
    start('main.ts', { PORT: '0' }, ['--no-worker', '--no-seed']),
    start('main.ts', { PORT: '0' }, ['--no-worker', '--no-seed']),
  ];
  const urls = await Promise.all(
    apis.map(async (a) => (await a.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!),
  );
  expect(new Set(urls).size).toBe(2);

  // Ten files, ten different days of July, sent at once, alternating between the two APIs.
  const responses = await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const day = `2025-07-${String(i + 1).padStart(2, '0')}`;
      const form = new FormData();
      form.append('flavour', 'final');
      form.append(
        'receive',
        new Blob([
          new Uint8Array(
            encode(
              csvText(
                'receive',
                receiveRows(day, 1, 20, () => 500, `P${i}-`),
              ),
              'cp932',
            ),
          ),
        ]),
        `r${i}.csv`,
      );
      const res = await fetch(`${urls[i % 2]}/upload/csv`, { method: 'POST', body: form });
      return { status: res.status, body: (await res.json()) as { uploads: { id: number }[] } };
    }),
  );
  expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
  const ids = responses.map((r) => r.body.uploads[0]!.id);

  // The worker starts after all ten are queued: ingest jobs run first (earlier run_at), each
  // success replaces the one pending refresh job, so one refresh run covers all ten.
  // The default debounce is 0 (refresh at once); a window of 2 s lets the ten ingests share one run,
  // and shows the worker process honours MV_REFRESH_DEBOUNCE_MS from its environment.
  start('worker-main.ts', { WORKER_CONCURRENCY: '1', MV_REFRESH_DEBOUNCE_MS: '2000' });
  const done = await waitFor(
    'all uploads refreshed',
    async () => {
      const { rows } = await pool.query(
        `SELECT id, status, refresh_outcome, refresh_run_id FROM log.upload_file WHERE id = ANY($1) ORDER BY id`,
        [ids],
      );
      return rows.every((r) => r.status === 'failed' || r.refresh_outcome) && rows;
    },
    90_000,
  );
  expect(done.map((r) => r.status)).toEqual(Array(10).fill('success'));
  expect(done.map((r) => r.refresh_outcome)).toEqual(Array(10).fill('ok'));
  expect(new Set(done.map((r) => r.refresh_run_id)).size).toBe(1);
  const runs = await pool.query(
    `SELECT count(DISTINCT run_id)::int n FROM log.mv_refresh_log WHERE mv_name = 'mart.mv_receive_daily'`,
  );
  expect(runs.rows[0].n).toBe(1);
  const days = await pool.query(
    `SELECT count(*)::int n, sum(receive_net_ton)::float t FROM mart.mv_receive_daily WHERE ddate BETWEEN '2025-07-01' AND '2025-07-10'`,
  );
  expect(days.rows[0]).toEqual({ n: 10, t: 100 });
  const stg = await pool.query('SELECT count(*)::int n FROM stg.shogun_final_receive');
  expect(stg.rows[0].n).toBe(200);
});
