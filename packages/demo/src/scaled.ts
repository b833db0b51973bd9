/**
 * loadScaledReceive: N realistic rows in stg.shogun_<flavour>_receive generated inside
 * PostgreSQL (generate_series + hashint8extended), for refresh benchmarks at millions of rows
 * without producing and parsing a CSV. One log.upload_file row owns the rows.
 */
import type pg from 'pg';
import { DbError } from '@warehouse/db';
import { withTransaction } from '@warehouse/db/pg';
import { addDays, isIsoDate } from './seed/dates.ts';
import { makeCatalog, RECEIVE_ITEMS } from './catalog.ts';
import type { Flavour } from './csv.ts';
import { hashSeed } from './prng.ts';
import { CSV_TYPE, FLAVOUR, isFlavour, stgTable, UPLOAD_STATUS } from '@warehouse/db/kinds';

export interface LoadScaledReceiveOptions {
  rows: number;
  flavour?: Flavour;
  /** First slip date (default 2020-01-01). */
  startDate?: string;
  /** Days the rows are spread over (default 1826, five years). */
  days?: number;
  seed?: string | number;
  /** TRUNCATE the flavour's receive table first (default false: append; slip numbers never collide). */
  truncate?: boolean;
  /** Slips per INSERT statement (default 500 000, about 1M rows); progress is reported per batch. */
  batchSlips?: number;
  onProgress?: (rowsSoFar: number, rows: number) => void;
  /**
   * Skip the per-row foreign-key trigger (session_replication_role = replica, superusers only;
   * default true). Safe here: every row references the upload row created in the same transaction.
   * Halves the load time of millions of rows.
   */
  skipFkChecks?: boolean;
}

export interface LoadScaledReceiveResult {
  uploadFileId: number;
  table: string;
  rows: number;
  dateFrom: string;
  dateTo: string;
  ms: number;
  /** Whether the FK trigger ran (false when skipped as a superuser). */
  fkChecked: boolean;
}

// One statement per batch of slips. Each slip has 1–3 lines (exactly 2 per 3-slip group on average); vendors are skewed towards
// the first ones (squared uniform), items drawn from the catalog; weights log-normal-ish around
// each item's median. All randomness is hashint8extended(key, seed), so the data is repeatable.
const insertSql = (table: string) => `
with s as (
  select g as slip,
         ($1::date + least($2::bigint - 1, g * $2::bigint / $3::bigint)::int) as slip_date
  from generate_series($4::bigint, $5::bigint) as g
), l as (
  select s.slip, s.slip_date, ln,
         (abs(hashint8extended(s.slip, $6)) % 1000000)::float8 / 1000000 as uv,
         abs(hashint8extended(s.slip * 4 + ln, $6 + 1)) as hi,
         (abs(hashint8extended(s.slip * 4 + ln, $6 + 2)) % 1000000)::float8 / 1000000 as u1,
         (abs(hashint8extended(s.slip * 4 + ln, $6 + 3)) % 1000000)::float8 / 1000000 as u2
  -- each group of 3 slips has 1, 2 and 3 lines in a hashed order: exactly 2 lines per slip on average
  from s cross join lateral generate_series(1, 1 + ((s.slip % 3) + abs(hashint8extended(s.slip / 3, $6 + 4)) % 3)::int % 3) as ln
), r as (
  select l.*, 1 + floor(uv * uv * array_length($8::text[], 1))::int as vi,
         1 + (hi % array_length($10::text[], 1))::int as ii
  from l
), w as (
  select r.*, round(($12::float8[])[ii] * exp(0.6 * (u1 + u2 - 1) * 2.45))::numeric as kg
  from r
)
insert into ${table}
  (slip_date, slip_no, line_no, vendor_cd, vendor_name, item_cd, item_name, net_weight_kg, quantity,
   unit_name, unit_price, amount, upload_file_id, source_line)
select slip_date, $7::text || '-' || slip::text, ln, ($8::text[])[vi], ($9::text[])[vi], ($10::text[])[ii], ($11::text[])[ii],
       kg, kg, 'kg', ($13::numeric[])[ii], round(kg * ($13::numeric[])[ii]), $14::bigint, (slip * 3 + ln)::int
from w
limit $15`;

/**
 * @example await loadScaledReceive(client, { rows: 5_000_000, flavour: 'final', truncate: true })
 */
export async function loadScaledReceive(
  client: pg.ClientBase,
  options: LoadScaledReceiveOptions,
): Promise<LoadScaledReceiveResult> {
  const t0 = Date.now();
  const { rows } = options;
  if (!Number.isInteger(rows) || rows < 1)
    throw new DbError('E_BAD_ARGUMENT', `loadScaledReceive: rows ${rows} must be a positive integer`);
  const flavour = options.flavour ?? FLAVOUR.final;
  if (!isFlavour(flavour))
    throw new DbError('E_BAD_ARGUMENT', `loadScaledReceive: flavour "${String(flavour)}" must be final or flash`);
  const startDate = options.startDate ?? '2020-01-01';
  if (!isIsoDate(startDate))
    throw new DbError('E_BAD_ARGUMENT', `loadScaledReceive: startDate "${startDate}" is not YYYY-MM-DD`);
  const days = options.days ?? 1826;
  if (!Number.isInteger(days) || days < 1)
    throw new DbError('E_BAD_ARGUMENT', `loadScaledReceive: days ${days} must be a positive integer`);
  const table = stgTable(CSV_TYPE.receive, flavour);
  const seed = String(options.seed ?? 'bench');
  const seedInt = hashSeed(seed) % 1_000_000_000;
  // 6 lines per group of 3 slips: slips up to the end of the last (partial) group, cut by LIMIT.
  const slips = Math.ceil(rows / 6) * 3;
  const expectedSlips = slips;
  const batch = options.batchSlips ?? 500_000;
  const vendors = makeCatalog(seed).receiveVendors;
  const items = RECEIVE_ITEMS;
  const dateTo = addDays(startDate, days - 1);

  return withTransaction(client, async () => {
    if (options.truncate) await client.query(`truncate ${table}`);
    let fkChecked = true;
    if (options.skipFkChecks ?? true) {
      const su = await client.query<{ su: boolean }>(
        'select rolsuper as su from pg_roles where rolname = current_user',
      );
      if (su.rows[0]?.su) {
        await client.query('set local session_replication_role = replica');
        fkChecked = false;
      }
    }
    const up = await client.query<{ id: string }>(
      `insert into log.upload_file (csv_type, flavour, file_name, file_sha256, file_size, status, encoding, row_count, date_from, date_to, started_at, finished_at)
       values ($6, $1, $2, encode(sha256(convert_to($2 || now()::text, 'UTF8')), 'hex'), 0, $7, 'utf-8', $3, $4, $5, now(), now())
       returning id`,
      [flavour, `scaled-receive-${rows}.sql`, rows, startDate, dateTo, CSV_TYPE.receive, UPLOAD_STATUS.success],
    );
    const uploadFileId = Number(up.rows[0]?.id);
    let inserted = 0;
    for (let first = 0; first < slips && inserted < rows; first += batch) {
      const last = Math.min(slips, first + batch) - 1;
      const res = await client.query(insertSql(table), [
        startDate,
        days,
        expectedSlips,
        first,
        last,
        seedInt,
        String(uploadFileId),
        vendors.map((v) => v.code),
        vendors.map((v) => v.name),
        items.map((i) => i.code),
        items.map((i) => i.name),
        items.map((i) => i.medianKg),
        items.map((i) => (i.unitKind === 'kg' ? (i.price[0] + i.price[1]) / 2 : 20)),
        uploadFileId,
        rows - inserted,
      ]);
      inserted += res.rowCount ?? 0;
      options.onProgress?.(Math.min(inserted, rows), rows);
    }
    // The last date actually used (a small load over many days may not reach the last one).
    const last = await client.query<{ d: string }>(
      `select max(slip_date)::text as d from ${table} where upload_file_id = $1`,
      [uploadFileId],
    );
    const lastDate = last.rows[0]?.d ?? dateTo;
    await client.query('update log.upload_file set date_to = $2 where id = $1', [uploadFileId, lastDate]);
    if (inserted < rows) {
      throw new DbError(
        'E_BAD_ARGUMENT',
        `loadScaledReceive generated ${inserted} of ${rows} rows; raise the slip margin in scaled.ts`,
      );
    }
    return { uploadFileId, table, rows, dateFrom: startDate, dateTo: lastDate, ms: Date.now() - t0, fkChecked };
  });
}
