// pnpm start seeds reference data and then refreshes what reads it: the target card is there
// before the first upload.
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { silent, testDatabase } from './helper.ts';

const dbs: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const d of dbs) await d.drop();
});

it('after seeding, the MVs reading the calendar and targets are refreshed: the target card has targets', async () => {
  const db = await testDatabase();
  dbs.push(db);
  const config = loadConfig({}, { logLevel: 'silent', databaseUrl: db.url });
  const server = await startServer({
    config,
    api: false,
    worker: false,
    seed: { from: '2030-01-01', to: '2030-02-28' },
    logger: silent,
  });
  try {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    pool.on('error', () => {}); // its test database is dropped WITH (FORCE) while a connection may still be closing
    try {
      const card = await pool.query(
        `SELECT count(*)::int AS days, count(target_ton)::int AS with_target FROM mart.mv_target_card_per_day WHERE ddate BETWEEN '2030-01-01' AND '2030-02-28'`,
      );
      expect(card.rows[0]).toEqual({ days: 59, with_target: 59 });
      const log = await pool.query(
        `SELECT DISTINCT trigger FROM log.mv_refresh_log WHERE mv_name = 'mart.mv_target_card_per_day'`,
      );
      expect(log.rows).toEqual([{ trigger: 'start' }]);
    } finally {
      await pool.end();
    }
  } finally {
    await server.stop();
  }
});
