// A target a person typed survives a restart of `pnpm start`: startServer is what main.ts runs to
// migrate and seed the database (seed: referenceRange()), driven here in-process twice around a
// PUT /targets/month. The explicit, guarded overwrite backs the typed values up as a targets CSV,
// and uploading that CSV on the targets page puts them back.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { referenceRange, seedReference, targetsBackupCsv } from '@warehouse/demo/seed';
import { loadConfig } from '../src/config.ts';
import { startServer, type Started } from '../src/server.ts';
import { silent, testDatabase } from './helper.ts';

const dbs: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const d of dbs) await d.drop();
});

const year = new Date().getUTCFullYear();
const month = `${year}-01`;
// A day of another month: a day's plan and its month's target are kept equal (target-plan.ts), so
// a typed month and a typed day of the same month cannot both stay as typed.
const day = `${year}-02-06`;

/** The history rows of the two typed values (not the days and month they changed with them). */
const typed = (e: { scope: string; date: string }) =>
  (e.scope === 'month' && e.date === `${month}-01`) || (e.scope === 'day' && e.date === day);

/** January and February: their months' targets and daily plans. */
async function plan(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ x: string }>(
      `SELECT to_char(month, 'YYYY-MM') || ' ' || target_ton AS x FROM kpi.monthly_targets WHERE month BETWEEN $1::date AND $1::date + 31
       UNION ALL SELECT ddate || ' ' || target_ton FROM mart.daily_target_plan WHERE ddate >= $1::date AND ddate < $1::date + interval '2 months'
       ORDER BY 1`,
      [`${month}-01`],
    );
    return r.rows.map((x) => x.x);
  } finally {
    await c.end();
  }
}

/** What `pnpm start` does to the database, then the API on a free port. */
const start = (databaseUrl: string) =>
  startServer({
    config: loadConfig(
      {},
      { logLevel: 'silent', databaseUrl, port: 0, host: '127.0.0.1', webDist: undefined, auth: false },
    ),
    worker: false,
    seed: referenceRange(),
    logger: silent,
  });

async function targets(server: Started) {
  const res = await server.app!.inject({ method: 'GET', url: `/targets?from=${month}&to=${month}` });
  expect(res.statusCode, res.body).toBe(200);
  const history = await server.app!.inject({ method: 'GET', url: '/targets/history?limit=1000' });
  return { body: res.json(), history: history.json().edits };
}

async function monthTon(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(`SELECT target_ton::text AS t FROM kpi.monthly_targets WHERE month = $1`, [`${month}-01`]))
      .rows[0].t;
  } finally {
    await c.end();
  }
}

async function dayTon(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(`SELECT target_ton::text AS t FROM mart.daily_target_plan WHERE ddate = $1`, [day])).rows[0]
      .t;
  } finally {
    await c.end();
  }
}

it('a restart of pnpm start keeps the month and day targets typed through the API, and the history agrees', async () => {
  const db = await testDatabase();
  dbs.push(db);
  let server = await start(db.url);
  let generatedMonth: string;
  try {
    generatedMonth = await monthTon(db.url);
    expect(Number(generatedMonth)).toBeGreaterThan(777); // the generated plan, not the value typed below
    for (const [url, targetTon] of [
      [`/targets/month/${month}`, 777],
      [`/targets/day/${day}`, 12.5],
    ] as const) {
      const put = await server.app!.inject({ method: 'PUT', url, payload: { targetTon, editor: '佐藤' } });
      expect(put.statusCode, put.body).toBe(200);
    }
  } finally {
    await server.stop();
  }

  server = await start(db.url);
  try {
    expect(await monthTon(db.url)).toBe('777.000');
    expect(await dayTon(db.url)).toBe('12.500');
    const { history } = await targets(server);
    // (besides them: January's days the month was spread over, February's month re-summed)
    expect(
      history.filter(typed).map((e: { date: string; newTon: number; source: string }) => [e.date, e.newTon, e.source]),
    ).toEqual([
      [day, 12.5, 'form'],
      [`${month}-01`, 777, 'form'],
    ]);
  } finally {
    await server.stop();
  }

  const typedPlan = await plan(db.url);
  // The guarded overwrite (db:seed --overwrite runs this with the guard first): backs up, replaces, records.
  const backupDir = mkdtempSync(path.join(os.tmpdir(), 'seed-overwrite-'));
  let files: string[] = [];
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    await seedReference(c, {
      ...referenceRange(),
      overwrite: true,
      editor: 'ops',
      beforeReplace: async (replaced) => {
        // as db:seed --overwrite's backupReplaced writes it (packages/cli/src/seed.ts)
        files = [path.join(backupDir, 'local_dev_targets.csv')];
        writeFileSync(files[0]!, targetsBackupCsv(replaced));
        return files[0];
      },
    });
  } finally {
    await c.end();
  }
  expect(await monthTon(db.url)).toBe(generatedMonth);
  expect(files).toHaveLength(1);
  const csv = readFileSync(files[0]!, 'utf8');
  expect(csv.split('\n')[0]).toBe('date,target_ton');
  expect(csv).toContain(`\n${month},777.000\n`);
  expect(csv).toContain(`\n${day},12.500\n`);

  // Restorable: the backup is a targets CSV; uploading it puts the typed values back, recorded.
  server = await start(db.url);
  try {
    const boundary = 'b0undary';
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="editor"\r\n\r\n佐藤\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${path.basename(files[0]!)}"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n` +
      `--${boundary}--\r\n`;
    const up = await server.app!.inject({
      method: 'POST',
      url: '/targets/csv',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
    expect(up.statusCode, up.body).toBe(200);
    const lines = csv.trim().split('\n').slice(1);
    const monthLines = lines.filter((l) => /^\d{4}-\d{2},/.test(l)).length;
    expect(up.json()).toEqual({ applied: lines.length, months: monthLines, days: lines.length - monthLines });
    expect(await plan(db.url)).toEqual(typedPlan);
    expect(await monthTon(db.url)).toBe('777.000');
    expect(await dayTon(db.url)).toBe('12.500');
    const { history } = await targets(server);
    expect(
      history
        .filter(typed)
        .map((e: { date: string; oldTon: number; newTon: number; source: string }) => [
          e.date,
          e.oldTon,
          e.newTon,
          e.source,
        ]),
    ).toEqual([
      [day, expect.any(Number), 12.5, 'csv'],
      [`${month}-01`, Number(generatedMonth), 777, 'csv'],
      [`${month}-01`, 777, Number(generatedMonth), 'seed'],
      [day, 12.5, expect.any(Number), 'seed'],
      [day, expect.any(Number), 12.5, 'form'],
      [`${month}-01`, Number(generatedMonth), 777, 'form'],
    ]);
  } finally {
    await server.stop();
  }
});
