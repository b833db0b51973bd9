// Incremental tables (catalog `-- incremental by ddate`): mart.mv_receive_daily and
// mart.mv_shipment_daily are tables the refresher keeps from their declared queries
// (mart.<name>__query). Real PostgreSQL, the migrated schema, uploads landed as the ingest does.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertTouchedDates,
  markConfirmed,
  markSuccess,
  revertUpload,
  stgColumns,
  UploadOpError,
} from '@warehouse/db/uploads';
import { stgHistoryTable, stgTable } from '@warehouse/db/kinds';
import {
  applyFull,
  applyKeys,
  loadIncrementalTables,
  nightlyVerify,
  refresh,
  refreshAll,
  refreshForCsvType,
  verifyIncremental,
} from '../src/index.ts';
import type { IncrementalTable } from '../src/incremental.ts';
import { freshDatabase, quiet, type Fixture } from './helpers.ts';

let f: Fixture;
let tables: Map<string, IncrementalTable>;
beforeAll(async () => {
  f = await freshDatabase({ poolSize: 6 });
  tables = await loadIncrementalTables(f.pool);
});
afterAll(() => f?.close());

const RECEIVE = 'mart.mv_receive_daily';
const SHIPMENT = 'mart.mv_shipment_daily';

interface Line {
  date: string;
  slip: string;
  line: number;
  kg: number;
  yen: number;
  rep?: string;
}

/** Seeded PRNG (mulberry32): the property test is reproducible from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await f.pool.connect();
  try {
    await c.query('begin');
    const r = await fn(c);
    await c.query('commit');
    return r;
  } catch (error) {
    await c.query('rollback');
    throw error;
  } finally {
    c.release();
  }
}

/** A held upload: recorded, changed nothing (as the ingest's guard leaves it). */
async function hold(kind: string, flavour: string): Promise<number> {
  const { rows } = await f.pool.query<{ id: number }>(
    `insert into log.upload_file (csv_type, flavour, file_name, file_sha256, file_size, status, held_reason)
     values ($1, $2, 'held.csv', '', 0, 'held', 'keeps less than 50 %') returning id::int as id`,
    [kind, flavour],
  );
  return rows[0]!.id;
}

/**
 * Land an upload as the ingest does, in one transaction: the current rows of its kind and flavour
 * on the file's dates move to the history table (superseded by it), its rows go in, the touched
 * dates are recorded. `id` lands a confirmed held upload.
 */
async function land(kind: 'receive' | 'shipment', flavour: string, lines: Line[], id?: number): Promise<number> {
  return tx(async (c) => {
    if (id === undefined) {
      const { rows } = await c.query<{ id: number }>(
        `insert into log.upload_file (csv_type, flavour, file_name, file_sha256, file_size, status)
         values ($1, $2, 'f.csv', '', 0, 'processing') returning id::int as id`,
        [kind, flavour],
      );
      id = rows[0]!.id;
    } else {
      await c.query(`update log.upload_file set status = 'processing' where id = $1`, [id]);
    }
    const stg = stgTable(kind, flavour);
    const cols = await stgColumns(c, stg);
    const dates = [...new Set(lines.map((l) => l.date))].sort();
    const moved = await c.query(
      `with moved as (delete from ${stg} where slip_date = any($2::date[]) returning ${cols})
       insert into ${stgHistoryTable(kind, flavour)} (${cols}, superseded_by_upload_id, superseded_at)
       select ${cols}, $1::bigint, statement_timestamp() from moved`,
      [id, dates],
    );
    for (const [i, l] of lines.entries()) {
      await c.query(
        `insert into ${stg} (slip_date, slip_no, line_no, net_weight_kg, amount, ${kind === 'shipment' ? 'sales_rep, ' : ''}upload_file_id, source_line)
         values ($1, $2, $3, $4, $5, ${kind === 'shipment' ? '$8, ' : ''}$6, $7)`,
        [l.date, l.slip, l.line, l.kg, l.yen, id, i + 2, ...(kind === 'shipment' ? [l.rep ?? null] : [])],
      );
    }
    await markSuccess(c, id, {
      encoding: 'utf8',
      rowCount: lines.length,
      dateFrom: dates[0]!,
      dateTo: dates.at(-1)!,
      rowsAdded: lines.length,
      rowsSuperseded: moved.rowCount ?? 0,
      datesTouched: dates.length,
      touchedFirst: dates[0]!,
      touchedLast: dates.at(-1)!,
    });
    await insertTouchedDates(c, id, dates);
    return id;
  });
}

const iso = (day: number) => new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);

/** Lines over `dates`: 1–3 slips per date, random weights; shipment lines get one of three reps (or none). */
function linesFor(r: () => number, dates: string[], tag: string): Line[] {
  const out: Line[] = [];
  for (const date of dates) {
    const n = 1 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) {
      const rep = r() < 0.2 ? undefined : ['佐藤', '鈴木', '高橋'][Math.floor(r() * 3)];
      out.push({
        date,
        slip: `${tag}-${i}`,
        line: 1,
        kg: Math.round(r() * 100_000) / 10,
        yen: Math.round(r() * 1e6) / 100,
        rep,
      });
    }
  }
  return out;
}

/** Every MV downstream of the incremental tables equals its own query now (what a full refresh gives). */
async function dependantsMatchFullRefresh(): Promise<string[]> {
  const { rows } = await f.pool.query<{ name: string; def: string }>(
    `select n.nspname || '.' || c.relname as name, pg_get_viewdef(c.oid, true) as def
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'm' and n.nspname = 'mart' order by 1`,
  );
  const wrong: string[] = [];
  for (const mv of rows) {
    const q = mv.def.replace(/;\s*$/, '');
    const d = await f.pool.query(
      `select count(*)::int as n from ((select * from ${mv.name} except all (${q})) union all ((${q}) except all select * from ${mv.name})) d`,
    );
    if (d.rows[0].n !== 0) wrong.push(`${mv.name}: ${d.rows[0].n} rows differ`);
  }
  return wrong;
}

async function lastHistory(mv: string): Promise<{ strategy: string; key_count: number | null; trigger: string }> {
  const { rows } = await f.pool.query(
    `select strategy, key_count, trigger from log.mv_refresh_log where mv_name = $1 and outcome = 'refreshed' order by id desc limit 1`,
    [mv],
  );
  return rows[0];
}

describe('incremental tables', () => {
  it('both tables are found with their key and query view; MVs reading mv_receive_daily are its dependants', async () => {
    expect(tables.get(RECEIVE)).toMatchObject({
      key: 'ddate',
      keyType: 'date',
      queryView: 'mart.mv_receive_daily__query',
    });
    expect(tables.get(SHIPMENT)).toMatchObject({ key: 'ddate', queryView: 'mart.mv_shipment_daily__query' });
    const r = await refreshForCsvType('receive', { pool: f.pool, logger: quiet, trigger: 'cli' });
    expect(r.results[0]).toMatchObject({ mv: RECEIVE, status: 'refreshed', strategy: 'full' });
    expect(r.results.map((x) => x.mv)).toEqual(
      expect.arrayContaining([
        'mart.mv_target_card_per_day',
        'mart.mv_inb_avg5y_day_biz',
        'mart.mv_inb5y_week_profile_min',
      ]),
    );
  });

  it('the planner restricts the declared query by the key inside its stg scans (no full read per upload)', async () => {
    for (const [view, stg] of [
      ['mart.mv_receive_daily__query', 'receive'],
      ['mart.mv_shipment_daily__query', 'shipment'],
    ] as const) {
      const { rows } = await f.pool.query(
        `explain (format json) select * from ${view} where ddate = any('{2024-03-01,2024-03-02}'::date[])`,
      );
      const scans: Record<string, unknown>[] = [];
      const walk = (n: Record<string, unknown>) => {
        if (typeof n['Relation Name'] === 'string' && String(n['Relation Name']).endsWith(stg) && n['Alias'] !== 'f_1')
          scans.push(n);
        for (const p of (n.Plans as Record<string, unknown>[] | undefined) ?? []) walk(p);
      };
      walk(rows[0]['QUERY PLAN'][0].Plan);
      expect(scans.length, view).toBeGreaterThanOrEqual(2); // final and flash
      for (const s of scans) {
        const conds = [s['Index Cond'], s['Recheck Cond'], s['Filter']].filter(Boolean).join(' ');
        expect(conds, `${view}: ${String(s['Relation Name'])}`).toMatch(/slip_date = ANY/);
      }
    }
  });

  it('property: random uploads, re-uploads, reverts and held confirmations keep tables = queries and dependants = full refresh', async () => {
    const r = rng(20261130);
    const span = 2 * 365 + Math.floor(r() * 365); // 2–3 years of dates
    const landed: { id: number; kind: 'receive' | 'shipment' }[] = [];
    const held: { id: number; kind: 'receive' | 'shipment'; flavour: string; lines: Line[] }[] = [];
    const counts = { upload: 0, reupload: 0, revert: 0, blocked: 0, hold: 0, confirm: 0, incremental: 0 };
    for (let step = 0; step < 30; step++) {
      const kind = r() < 0.6 ? 'receive' : 'shipment';
      const flavour = r() < 0.5 ? 'final' : 'flash';
      const roll = r();
      let trigger: string;
      let expectKeys: number | null = null;
      let stepKind: 'receive' | 'shipment' = kind;
      if (roll < 0.15 && landed.length) {
        const pick = landed[Math.floor(r() * landed.length)]!;
        const c = await f.pool.connect();
        try {
          await revertUpload(c, pick.id, { enqueueRefresh: async () => {} });
          counts.revert++;
          landed.splice(landed.indexOf(pick), 1);
        } catch (error) {
          if (!(error instanceof UploadOpError)) throw error;
          counts.blocked++; // a later upload touches its dates: refused, nothing changed
        } finally {
          c.release();
        }
        trigger = `revert:${pick.id}`;
        await refreshForCsvType(pick.kind, { pool: f.pool, logger: quiet, trigger });
      } else if (roll < 0.25) {
        const start = Math.floor(r() * span);
        held.push({
          id: await hold(kind, flavour),
          kind,
          flavour,
          lines: linesFor(r, [iso(start), iso(start + 1)], `h${step}`),
        });
        counts.hold++;
        continue; // a held upload changes nothing and queues no refresh
      } else if (roll < 0.35 && held.length) {
        const h = held.shift()!;
        expect(await markConfirmed(f.pool, h.id)).toBe(true);
        await land(h.kind, h.flavour, h.lines, h.id);
        landed.push({ id: h.id, kind: h.kind });
        counts.confirm++;
        stepKind = h.kind;
        trigger = `confirm:${h.id}`;
        expectKeys = new Set(h.lines.map((l) => l.date)).size;
        await refreshForCsvType(h.kind, { pool: f.pool, logger: quiet, trigger });
      } else {
        // A month file (re-uploading a month already there half of the time) or a few days.
        const reupload = r() < 0.5 && step > 0;
        const start = reupload ? Math.floor(r() * 3) * 30 : Math.floor(r() * span);
        const days = r() < 0.5 ? 28 + Math.floor(r() * 4) : 1 + Math.floor(r() * 5);
        const dates = Array.from({ length: days }, (_, i) => iso(start + i)).filter(() => r() < 0.9);
        if (!dates.length) dates.push(iso(start));
        const id = await land(kind, flavour, linesFor(r, dates, `u${step}`));
        landed.push({ id, kind });
        counts[reupload ? 'reupload' : 'upload']++;
        trigger = `upload:${id}`;
        expectKeys = dates.length;
        await refreshForCsvType(kind, { pool: f.pool, logger: quiet, trigger });
      }
      for (const t of tables.values()) {
        const v = await verifyIncremental(f.pool, t);
        expect(v.differences, `step ${step} (${trigger}) ${t.name}`).toEqual([]);
      }
      expect(await dependantsMatchFullRefresh(), `step ${step} (${trigger})`).toEqual([]);
      if (expectKeys !== null) {
        const h = await lastHistory(stepKind === 'receive' ? RECEIVE : SHIPMENT);
        expect(h).toMatchObject({ trigger, strategy: 'incremental', key_count: expectKeys });
        counts.incremental++;
      }
    }
    // The sequence exercised every kind of step.
    expect(counts.upload + counts.reupload).toBeGreaterThan(5);
    expect(counts.revert).toBeGreaterThan(0);
    expect(counts.confirm).toBeGreaterThan(0);
    expect(counts.incremental).toBeGreaterThan(3);
    const rows = await f.pool.query(`select count(*)::int as n from ${RECEIVE}`);
    expect(rows.rows[0].n).toBeGreaterThan(30);
  });

  it('a reader during an incremental or full rebuild sees every touched date, not blocked, old values until commit', async () => {
    const t = tables.get(RECEIVE)!;
    const dates = Array.from({ length: 10 }, (_, i) => iso(1000 + i));
    const first = await land('receive', 'final', linesFor(rng(1), dates, 'r1'));
    await refresh([RECEIVE], { pool: f.pool, logger: quiet, trigger: `upload:${first}`, includeDownstream: false });
    const count = async () =>
      (
        await f.pool.query(
          `select count(*)::int as n, sum(receive_net_ton)::text as s from ${RECEIVE} where ddate = any($1::date[])`,
          [dates],
        )
      ).rows[0] as { n: number; s: string };
    const before = await count();
    expect(before.n).toBe(10);
    await land('receive', 'final', linesFor(rng(2), dates, 'r2')); // re-upload: new values on the same dates
    for (const mode of ['keys', 'full'] as const) {
      const writer = await f.pool.connect();
      try {
        await writer.query('begin');
        if (mode === 'keys') await applyKeys(writer, t, dates);
        else await applyFull(writer, t);
        // The writer has deleted and re-inserted those dates but not committed: a reader sees them all, with old values.
        const during = await count();
        expect(during.n, mode).toBe(10);
        if (mode === 'keys') expect(during.s).toBe(before.s);
        await writer.query('commit');
      } finally {
        writer.release();
      }
      const after = await count();
      expect(after.n, mode).toBe(10);
      expect(after.s).not.toBe(before.s);
    }
    expect((await verifyIncremental(f.pool, t)).ok).toBe(true);
  });

  it('verify lists a tampered, a deleted and an extra row by key; a full rebuild repairs them and records it', async () => {
    const t = tables.get(RECEIVE)!;
    await refresh([RECEIVE], { pool: f.pool, logger: quiet, trigger: 'cli', full: true });
    const { rows } = await f.pool.query<{ d: string }>(
      `select to_char(ddate, 'YYYY-MM-DD') as d from ${RECEIVE} order by ddate limit 2`,
    );
    const [tampered, deleted] = rows.map((r) => r.d) as [string, string];
    await f.pool.query(`update ${RECEIVE} set receive_net_ton = receive_net_ton + 1 where ddate = $1`, [tampered]);
    await f.pool.query(`delete from ${RECEIVE} where ddate = $1`, [deleted]);
    await f.pool.query(
      `insert into ${RECEIVE} (ddate, iso_year, iso_week, receive_net_ton, slip_count, amount_yen) values ('1999-01-01', 1998, 53, 1, 1, 1)`,
    );
    const v = await verifyIncremental(f.pool, t);
    expect(v.ok).toBe(false);
    expect(v.differences).toEqual(
      [
        { key: '1999-01-01', kind: 'extra' },
        { key: tampered, kind: 'differs' },
        { key: deleted, kind: 'missing' },
      ].sort((a, b) => (a.key < b.key ? -1 : 1)),
    );
    const r = await refresh([RECEIVE], { pool: f.pool, logger: quiet, trigger: 'cli', includeDownstream: false });
    expect(r.results[0]).toMatchObject({ strategy: 'full', keyCount: 3 });
    expect((await verifyIncremental(f.pool, t)).ok).toBe(true);
    expect(await lastHistory(RECEIVE)).toMatchObject({ strategy: 'full', key_count: 3 });
  });

  it('the nightly check: a difference after the full refresh is an mv_drift alert and another rebuild; a clean night resolves it', async () => {
    const alerts = { logger: quiet, config: { alertWebhookUrl: undefined, alertMaxAttempts: 1 } };
    const night = await refreshAll({ pool: f.pool, logger: quiet, trigger: 'schedule' });
    expect(night.results.find((r) => r.mv === RECEIVE)).toMatchObject({ strategy: 'full', status: 'refreshed' });
    // A write that slips in after the full rebuild (or a rebuild that went wrong) leaves a difference.
    await f.pool.query(
      `update ${RECEIVE} set slip_count = slip_count + 1 where ddate = (select min(ddate) from ${RECEIVE})`,
    );
    const report = await nightlyVerify(f.pool, night, alerts);
    expect(report.results.find((r) => r.name === RECEIVE)!.differences).toHaveLength(1);
    expect(report.repair!.after.every((a) => a.ok)).toBe(true);
    expect(report.ok).toBe(true);
    const open = async () =>
      (
        await f.pool.query(
          `select key, kind, resolved_at is null as open, detail from log.alert_incident where key like 'mv_drift:%' order by id`,
        )
      ).rows;
    expect(await open()).toMatchObject([{ key: `mv_drift:${RECEIVE}`, kind: 'mv_drift', open: true }]);
    expect((await open())[0].detail.text).toMatch(
      /incremental table mart\.mv_receive_daily drifted: .*1 key\(s\).*now equal/,
    );
    expect((await verifyIncremental(f.pool, tables.get(RECEIVE)!)).ok).toBe(true);
    // The next night finds nothing to rewrite: the incident is resolved.
    const next = await refreshAll({ pool: f.pool, logger: quiet, trigger: 'schedule' });
    expect(next.results.find((r) => r.mv === RECEIVE)).toMatchObject({ strategy: 'full', keyCount: 0 });
    await nightlyVerify(f.pool, next, alerts);
    expect(await open()).toMatchObject([{ key: `mv_drift:${RECEIVE}`, open: false }]);
  });
});
