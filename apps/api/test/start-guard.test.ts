// `pnpm start` migrates and seeds what it reaches: a database marked as production is started on
// only when WAREHOUSE_ENV names production, whatever URL reached it (issue 21: every writer guarded).
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { writeProtectionMarker } from '@warehouse/env';
import { referenceRange } from '@warehouse/demo/seed';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { silent, testDatabase } from './helper.ts';

const dbs: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const d of dbs) await d.drop();
});

const start = (databaseUrl: string, dbEnv: string) =>
  startServer({
    config: loadConfig({}, { logLevel: 'silent', databaseUrl, dbEnv, port: 0, host: '127.0.0.1', webDist: undefined }),
    worker: false,
    seed: referenceRange(),
    logger: silent,
  });

/** Rows `pnpm start` would write: its migrations' history and the reference data it seeds. */
async function written(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (
      await c.query(
        `SELECT (SELECT count(*) FROM _prisma_migrations) || '/' || (SELECT count(*) FROM ref.calendar) || '/' || (SELECT count(*) FROM kpi.monthly_targets) AS n`,
      )
    ).rows[0].n;
  } finally {
    await c.end();
  }
}

it('a database marked vm_prod is refused under another env name and nothing is written; named vm_prod it starts', async () => {
  const db = await testDatabase();
  dbs.push(db);
  await writeProtectionMarker(db.url, 'vm_prod');
  const before = await written(db.url);
  // the default WAREHOUSE_ENV (local_dev) and an env whose URL happens to reach production
  for (const dbEnv of ['local_dev', 'local_demo']) {
    const err = await start(db.url, dbEnv).then(
      async (s) => {
        await s.stop();
        return undefined;
      },
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err?.code, `${dbEnv}: ${err?.message}`).toBe('E_TARGET_PROTECTED');
    expect(err!.message).toContain('marked vm_prod');
    expect(err!.message).toContain('WAREHOUSE_ENV=vm_prod');
  }
  expect(await written(db.url)).toBe(before);

  const server = await start(db.url, 'vm_prod');
  try {
    expect(server.app).toBeDefined();
  } finally {
    await server.stop();
  }
});
