/**
 * The runner's half of expand/fill/swap (the generator's half: catalog/swap.ts). A generated view
 * migration creates the new versions empty in `<schema>__swap` and writes its plan into
 * log.migration_swap; after the migration's DDL transaction the runner fills them, one statement
 * per object outside any transaction (readers of the old versions are not blocked: the shadows are
 * read by nobody, the tables they read only get ACCESS SHARE), then swaps in one short transaction
 * under the migration's lock_timeout, retried like any migration: drop the old versions readers
 * first, `SET SCHEMA` the new ones into place (indexes, comments move with them), grants copied
 * exactly, the plan's rows deleted and the migration's `_prisma_migrations` row finished.
 *
 * Until then the migration's row is unfinished (finished_at NULL: Prisma reads it as failed, so
 * `prisma migrate deploy` will not run past it), and the old versions serve. `db:migrate` (or
 * `db:fill`) finishes it; `db:resolve --rolled-back NAME` abandons it (drops the new versions).
 */
import type pg from 'pg';
import { kindWord, type CatalogKind } from '@warehouse/db/views';
import { shadowName, shadowSchema, SWAP_SCHEMA_SUFFIX, SWAP_TABLE } from './catalog/swap.ts';
import { DbError } from '@warehouse/db';
import { withTransaction } from '@warehouse/db/pg';
import type { ParsedStatement } from './sql/parse.ts';
import { lockTimeoutMessage, withLockRetry, type ApplySettings } from './apply.ts';
import { REBUILD_TABLE } from './rebuilds.ts';
import { MIGRATIONS_TABLE } from './table.ts';

export interface SwapRow {
  id: string;
  swapId: string;
  migrationName: string | null;
  step: number;
  action: 'drop' | 'move' | 'undo';
  relation: string;
  kind: CatalogKind;
  fillSql: string | null;
  filledAt: Date | null;
  filledRows: string | null;
}

/** One migration's pending swap: its rows in step order. */
export interface PendingSwap {
  swapId: string;
  migrationName: string | null;
  rows: SwapRow[];
}

/** What a swap did: per object filled, how long the fill took, how long the swap held its locks. */
export interface SwapReport {
  swapId: string;
  migrationName: string | null;
  filled: { relation: string; rows: number; ms: number }[];
  fillMs: number;
  /** From the first lock the swap asked for on an old object to its commit (readers queue behind it). */
  lockMs: number;
  swapped: string[];
  dropped: string[];
}

export type SwapEvent =
  | { type: 'filling'; name: string; relation: string; index: number; total: number }
  | { type: 'filled'; name: string; relation: string; rows: number; ms: number; index: number; total: number }
  | { type: 'swapped'; name: string; objects: string[]; fillMs: number; lockMs: number };

/** Whether a parsed migration writes a swap plan (an INSERT into log.migration_swap). */
export function isSwapMigration(statements: readonly ParsedStatement[]): boolean {
  return statements.some((s) => {
    const rel = (s.node as { relation?: { schemaname?: string; relname?: string } }).relation;
    return s.kind === 'InsertStmt' && `${rel?.schemaname}.${rel?.relname}` === SWAP_TABLE;
  });
}

/** Statements the runner adds to a swap migration's message: its name on the plan's rows. */
export function claimSwapSql(client: Pick<pg.ClientBase, 'escapeLiteral'>, name: string): string {
  return `update ${SWAP_TABLE} set migration_name = ${client.escapeLiteral(name)} where migration_name is null`;
}

/** Every pending swap (none when the table does not exist yet), oldest first. */
export async function pendingSwaps(client: pg.ClientBase): Promise<PendingSwap[]> {
  const present = await client.query(`select to_regclass($1) is not null as p`, [SWAP_TABLE]);
  if (!present.rows[0]?.p) return [];
  const { rows } = await client.query<{
    id: string;
    swap_id: string;
    migration_name: string | null;
    step: number;
    action: SwapRow['action'];
    relation: string;
    kind: CatalogKind;
    fill_sql: string | null;
    filled_at: Date | null;
    filled_rows: string | null;
  }>(
    `select id::text, swap_id, migration_name, step, action, relation, kind, fill_sql, filled_at, filled_rows::text
       from ${SWAP_TABLE} order by id`,
  );
  const out = new Map<string, PendingSwap>();
  for (const r of rows) {
    const swap: PendingSwap = out.get(r.swap_id) ?? { swapId: r.swap_id, migrationName: r.migration_name, rows: [] };
    swap.migrationName ??= r.migration_name;
    swap.rows.push({
      id: r.id,
      swapId: r.swap_id,
      migrationName: r.migration_name,
      step: r.step,
      action: r.action,
      relation: r.relation,
      kind: r.kind,
      fillSql: r.fill_sql,
      filledAt: r.filled_at,
      filledRows: r.filled_rows,
    });
    out.set(r.swap_id, swap);
  }
  for (const s of out.values()) s.rows.sort((a, b) => a.step - b.step);
  return [...out.values()];
}

const label = (s: PendingSwap) => s.migrationName ?? `swap ${s.swapId}`;

function nextSteps(s: PendingSwap): string {
  const name = s.migrationName;
  return (
    `The old versions still serve${name ? ` and migration ${name} is recorded as not finished` : ''}. ` +
    `Fix the cause, then run \`pnpm db:migrate\` (or \`pnpm db:fill\`) to fill what is left and swap; ` +
    (name
      ? `or abandon the change: \`pnpm db:resolve --rolled-back ${name}\` (drops the new versions; the migration runs again from the start next time).`
      : 'or abandon it with `pnpm db:fill --abandon` (drops the new versions).')
  );
}

/** Indexes of the old version made outside the migrations, rebuilt on the filled new version. */
async function copyHandMadeIndexes(client: pg.ClientBase, relation: string): Promise<void> {
  const { rows } = await client.query<{ name: string; def: string }>(
    `select ic.relname as name, pg_get_indexdef(i.indexrelid) as def
       from pg_index i join pg_class ic on ic.oid = i.indexrelid
      where i.indrelid = to_regclass($1)
        and not exists (select 1 from pg_index j join pg_class jc on jc.oid = j.indexrelid
                         where j.indrelid = to_regclass($2) and jc.relname = ic.relname)`,
    [relation, shadowName(relation)],
  );
  for (const r of rows) {
    const def = r.def.replace(/ ON (ONLY )?\S+ USING /, ` ON $1${shadowName(relation)} USING `);
    try {
      await client.query(def);
    } catch (cause) {
      throw new DbError(
        'E_MIGRATION_FAILED',
        `index ${r.name} of ${relation} was created outside the migrations and cannot be created on its new version: ${(cause as Error).message} (drop it before migrating, or declare it in the catalog)`,
        { cause },
      );
    }
  }
}

/**
 * Fill the shadows of `swap` that are not filled yet (progress in the plan's rows), or, with
 * `again`, fill those again (a refresh reached their old versions after their fill began).
 */
async function fill(
  client: pg.ClientBase,
  swap: PendingSwap,
  log: ((e: SwapEvent) => void) | undefined,
  filled: SwapReport['filled'],
  again?: ReadonlySet<string>,
): Promise<void> {
  const moves = swap.rows.filter((r) => r.action === 'move' && r.fillSql);
  const todo = again ? moves.filter((r) => again.has(r.relation)) : moves.filter((r) => !r.filledAt);
  let index = again ? 0 : moves.length - todo.length;
  const total = again ? todo.length : moves.length;
  for (const r of todo) {
    index++;
    log?.({ type: 'filling', name: label(swap), relation: r.relation, index, total });
    const t0 = performance.now();
    let rows: number;
    try {
      // An incremental table's INSERT … SELECT adds to what is there; a REFRESH replaces.
      if (again && r.kind === 'table') await client.query(`TRUNCATE ${shadowName(r.relation)}`);
      const res = await client.query(r.fillSql!);
      // A new relation has no statistics: readers after the swap would get plans made blind.
      await client.query(`ANALYZE ${shadowName(r.relation)}`);
      rows =
        r.kind === 'table'
          ? (res.rowCount ?? 0)
          : Number(
              (
                await client.query(`select reltuples::bigint as n from pg_class where oid = $1::regclass`, [
                  shadowName(r.relation),
                ])
              ).rows[0].n,
            );
      await copyHandMadeIndexes(client, r.relation);
    } catch (cause) {
      throw new DbError(
        'E_MIGRATION_FILL_FAILED',
        `${label(swap)}: filling the new version of ${r.relation} (${shadowName(r.relation)}) failed: ${(cause as Error).message}. ${nextSteps(swap)}`,
        { cause },
      );
    }
    const ms = Math.round(performance.now() - t0);
    await client.query(`update ${SWAP_TABLE} set filled_at = clock_timestamp(), filled_rows = $2 where id = $1`, [
      r.id,
      rows,
    ]);
    r.filledAt = new Date();
    filled.push({ relation: r.relation, rows, ms });
    log?.({ type: 'filled', name: label(swap), relation: r.relation, rows, ms, index, total });
  }
}

/**
 * Catching up with refreshes. A refresh that runs while the new versions are filled (an upload's)
 * reaches the old versions only: a new version whose fill read its inputs before that refresh's
 * data would be swapped in without it, and nothing would refresh it again (its refresh is logged
 * as done): the nightly verification would find the incremental table drifted. So the runner notes
 * the refresh log's last id before filling (`mark`); any refresh row of a moved relation after it
 * makes that object and every later one of the plan (they may read it) be filled again, and the
 * swap checks once more under its locks (a refresh cannot then be under way on an old version).
 */
async function refreshMark(client: pg.ClientBase, since?: Date): Promise<string> {
  if (!(await client.query(`select to_regclass('log.mv_refresh_log') is not null as p`)).rows[0].p) return '0';
  // A swap resumed from an earlier run: its filled objects are judged by the time of their fill,
  // less a minute for the refresher's clock (it writes started_at) against the database's.
  const { rows } = await client.query<{ id: string }>(
    since
      ? `select coalesce(max(id), 0)::text as id from log.mv_refresh_log where started_at < $1::timestamptz - interval '1 minute'`
      : `select coalesce(max(id), 0)::text as id from log.mv_refresh_log`,
    since ? [since] : [],
  );
  return rows[0]!.id;
}

/** The moves to fill again: from the first one a refresh reached after `mark`, every later one with a fill. */
async function behind(client: pg.ClientBase, swap: PendingSwap, mark: string): Promise<Set<string>> {
  const moves = swap.rows.filter((r) => r.action === 'move' && r.fillSql);
  if (mark === '' || !moves.length) return new Set();
  const { rows } = await client.query<{ mv_name: string }>(
    `select distinct mv_name from log.mv_refresh_log where id > $1::bigint and mv_name = any($2::text[])`,
    [mark, moves.map((m) => m.relation)],
  );
  const hit = new Set(rows.map((r) => r.mv_name));
  const first = moves.findIndex((m) => hit.has(m.relation));
  return new Set(first < 0 ? [] : moves.slice(first).map((m) => m.relation));
}

/** Catch-up rounds outside the swap's locks before the swap catches up under them. */
const CATCH_UP_ROUNDS = 3;

/** Thrown inside the swap's transaction when a refresh slipped in since the last catch-up. */
class Behind extends Error {
  constructor(readonly relations: Set<string>) {
    super(`refreshed since filled: ${[...relations].join(', ')}`);
  }
}

const grantee = (oid: number, name: string | null) => (oid === 0 ? 'PUBLIC' : `"${name!.replace(/"/g, '""')}"`);

/** Make the privileges of `relation` exactly `acl` (what the runner's role got by creating it revoked). */
async function setPrivileges(client: pg.ClientBase, relation: string, acl: string | null): Promise<void> {
  const now = await client.query<{ grantee: number; name: string | null }>(
    `select distinct a.grantee::int as grantee, pg_get_userbyid(a.grantee) as name
       from pg_class c cross join lateral aclexplode(c.relacl) a
      where c.oid = $1::regclass and a.grantee <> c.relowner`,
    [relation],
  );
  for (const g of now.rows) await client.query(`REVOKE ALL ON ${relation} FROM ${grantee(g.grantee, g.name)}`);
  if (acl == null) return;
  const want = await client.query<{ grantee: number; name: string | null; privilege: string; grantable: boolean }>(
    `select a.grantee::int as grantee, pg_get_userbyid(a.grantee) as name, a.privilege_type as privilege, a.is_grantable as grantable
       from aclexplode($1::aclitem[]) a where a.grantee <> (select relowner from pg_class where oid = $2::regclass)`,
    [acl, relation],
  );
  for (const g of want.rows)
    await client.query(
      `GRANT ${g.privilege} ON ${relation} TO ${grantee(g.grantee, g.name)}${g.grantable ? ' WITH GRANT OPTION' : ''}`,
    );
}

/** The default privileges a relation created directly in its schema would have got (ALTER DEFAULT PRIVILEGES). */
async function defaultAcl(client: pg.ClientBase, relation: string): Promise<string | null> {
  const { rows } = await client.query<{ acl: string | null }>(
    `select (select array_agg(x)::text from (
               select unnest(d.defaclacl) x from pg_default_acl d
                where d.defaclrole = c.relowner and d.defaclobjtype = 'r'
                  and d.defaclnamespace in (0, (select oid from pg_namespace where nspname = split_part($2, '.', 1)))) s) as acl
       from pg_class c where c.oid = $1::regclass`,
    [relation, relation],
  );
  return rows[0]?.acl ?? null;
}

/** The short transaction that puts the filled new versions in place of the old ones. */
async function swapIn(
  client: pg.ClientBase,
  swap: PendingSwap,
  lockMs: number,
  stmtMs: number,
  catchUp: { mark: string; inside: boolean; refill: (again: Set<string>) => Promise<void> },
): Promise<number> {
  const drops = swap.rows.filter((r) => r.action === 'drop');
  const moves = swap.rows.filter((r) => r.action === 'move');
  await client.query(
    `BEGIN; SET LOCAL lock_timeout = ${lockMs}${stmtMs > 0 ? `; SET LOCAL statement_timeout = ${stmtMs}` : ''}`,
  );
  const t0 = performance.now();
  try {
    // Privileges as they are now (grants given since the migration count), read before the drops.
    const acl = new Map<string, string | null>();
    for (const m of moves) {
      const { rows } = await client.query<{ acl: string | null }>(
        `select relacl::text as acl from pg_class where oid = to_regclass($1)`,
        [m.relation],
      );
      acl.set(m.relation, rows.length ? rows[0]!.acl : await defaultAcl(client, shadowName(m.relation)));
    }
    for (const d of drops) await client.query(`DROP ${kindWord(d.kind)} ${d.relation}`);
    // The old versions are locked now: no refresh is under way on them. One that ran since the last
    // catch-up sends the swap back to catch up outside the locks (readers wait only for the swap),
    // or, after a few rounds (refreshes keep coming), catches up here.
    const late = await behind(client, swap, catchUp.mark);
    if (late.size && !catchUp.inside) throw new Behind(late);
    if (late.size) await catchUp.refill(late);
    for (const m of moves)
      await client.query(`ALTER ${kindWord(m.kind)} ${shadowName(m.relation)} SET SCHEMA ${m.relation.split('.')[0]}`);
    for (const m of moves) await setPrivileges(client, m.relation, acl.get(m.relation) ?? null);
    const rebuilt = moves.filter((m) => m.kind !== 'table');
    if (rebuilt.length && (await client.query(`select to_regclass($1) is not null as p`, [REBUILD_TABLE])).rows[0].p)
      await client.query(
        `insert into ${REBUILD_TABLE} (migration_name, relation, kind, with_data, rebuilt_at)
         select $1, r, k, k = 'mv' or null, clock_timestamp() from unnest($2::text[], $3::text[]) as t(r, k)`,
        [
          swap.migrationName ?? `swap ${swap.swapId}`,
          rebuilt.map((m) => m.relation),
          rebuilt.map((m) => (m.kind === 'matview' ? 'mv' : 'view')),
        ],
      );
    await client.query(`delete from ${SWAP_TABLE} where swap_id = $1`, [swap.swapId]);
    for (const s of [...new Set(moves.map((m) => shadowSchema(m.relation.split('.')[0]!)))])
      await dropSchemaIfEmpty(client, s);
    if (swap.migrationName)
      await client.query(
        `update ${MIGRATIONS_TABLE} set finished_at = clock_timestamp(), applied_steps_count = 1, logs = null
          where migration_name = $1 and finished_at is null and rolled_back_at is null`,
        [swap.migrationName],
      );
    await client.query('COMMIT');
    return Math.round(performance.now() - t0);
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

async function dropSchemaIfEmpty(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query(
    `DO $d$ BEGIN
       IF to_regnamespace(${client.escapeLiteral(schema)}) IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM pg_depend WHERE refclassid = 'pg_namespace'::regclass AND refobjid = to_regnamespace(${client.escapeLiteral(schema)}))
       THEN EXECUTE 'DROP SCHEMA ${schema.replace(/'/g, "''")}'; END IF; END $d$`,
  );
}

/**
 * Fill what is left of `swap` and swap it in. The swap's lock wait is bounded by the migration's
 * lock_timeout (`lockMs`) and retried with backoff like a migration; a failure leaves the old
 * versions serving and the plan in place, and is returned (E_MIGRATION_FILL_FAILED,
 * E_MIGRATION_LOCK_TIMEOUT, E_MIGRATION_FAILED), never thrown.
 */
export async function fillAndSwap(
  client: pg.ClientBase,
  swap: PendingSwap,
  settings: ApplySettings,
  lockMs: number,
  log?: (e: SwapEvent) => void,
): Promise<{ report: SwapReport; error?: undefined } | { error: Error; report?: undefined }> {
  const filled: SwapReport['filled'] = [];
  const t0 = performance.now();
  const earlier = swap.rows.filter((r) => r.action === 'move' && r.fillSql && r.filledAt).map((r) => r.filledAt!);
  let mark = '';
  const catchUp = async (): Promise<void> => {
    for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
      const again = await behind(client, swap, mark);
      if (!again.size) return;
      mark = await refreshMark(client);
      await fill(client, swap, log, filled, again);
    }
  };
  try {
    mark = await refreshMark(
      client,
      earlier.length ? new Date(Math.min(...earlier.map((d) => d.getTime()))) : undefined,
    );
    await fill(client, swap, log, filled);
    await catchUp();
  } catch (error) {
    await noteFailure(client, swap, (error as Error).message);
    return { error: error as Error };
  }
  const fillMs = Math.round(performance.now() - t0);
  let held = 0;
  let rounds = 0;
  let result: Awaited<ReturnType<typeof withLockRetry>>;
  for (;;) {
    const inside = rounds >= CATCH_UP_ROUNDS;
    result = await withLockRetry(label(swap), lockMs, settings, async () => {
      held = await swapIn(client, swap, lockMs, settings.statementTimeoutMs, {
        mark,
        inside,
        refill: async (again) => {
          await fill(client, swap, log, filled, again);
        },
      });
    });
    if (!(result.error instanceof Behind)) break;
    rounds++;
    try {
      const again = result.error.relations;
      mark = await refreshMark(client);
      await fill(client, swap, log, filled, again);
      await catchUp();
    } catch (error) {
      await noteFailure(client, swap, (error as Error).message);
      return { error: error as Error };
    }
  }
  const { error, blockers } = result;
  if (error) {
    const lockTimeout = (error as { code?: string }).code === '55P03';
    const out = new DbError(
      lockTimeout ? 'E_MIGRATION_LOCK_TIMEOUT' : 'E_MIGRATION_FAILED',
      lockTimeout
        ? `${label(swap)}: the swap ${lockTimeoutMessage(lockMs, settings, blockers)} ${nextSteps(swap)}`
        : `${label(swap)}: the swap failed and was rolled back: ${(error as Error).message}. ${nextSteps(swap)}`,
      { cause: error },
    );
    await noteFailure(client, swap, out.message);
    return { error: out };
  }
  const swapped = swap.rows.filter((r) => r.action === 'move').map((r) => r.relation);
  log?.({ type: 'swapped', name: label(swap), objects: swapped, fillMs, lockMs: held });
  return {
    report: {
      swapId: swap.swapId,
      migrationName: swap.migrationName,
      filled,
      fillMs,
      lockMs: held,
      swapped,
      dropped: swap.rows.filter((r) => r.action === 'drop').map((r) => r.relation),
    },
  };
}

async function noteFailure(client: pg.ClientBase, swap: PendingSwap, message: string): Promise<void> {
  if (!swap.migrationName) return;
  await client
    .query(
      `update ${MIGRATIONS_TABLE} set logs = $2 where migration_name = $1 and finished_at is null and rolled_back_at is null`,
      [swap.migrationName, message],
    )
    .catch(() => {});
}

/**
 * Abandon a pending swap: drop its new versions (readers first), take back the in-place index and
 * comment changes the migration made to objects it did not rebuild (its `undo` rows), and delete its
 * plan, in one transaction; the old versions stay as they were before the migration. Returns the
 * relations whose new versions were dropped.
 */
export async function abandonSwap(client: pg.ClientBase, swap: PendingSwap): Promise<string[]> {
  const moves = swap.rows.filter((r) => r.action === 'move');
  await withTransaction(client, async () => {
    for (const m of [...moves].reverse())
      await client.query(`DROP ${kindWord(m.kind)} IF EXISTS ${shadowName(m.relation)}`);
    for (const u of swap.rows.filter((r) => r.action === 'undo' && r.fillSql)) await client.query(u.fillSql!);
    await client.query(`delete from ${SWAP_TABLE} where swap_id = $1`, [swap.swapId]);
    for (const s of [...new Set(moves.map((m) => shadowSchema(m.relation.split('.')[0]!)))])
      await dropSchemaIfEmpty(client, s);
  });
  return moves.map((m) => m.relation);
}

/** One object `migrate` will fill, with an estimate of its rows (for `db:migrate --plan`). */
export interface FillEstimate {
  /** The migration (or `swap <id>` for a plan written through Prisma's CLI). */
  migration: string;
  relation: string;
  /** Rows: counted when already filled, else the planner's estimate; null when unknown. */
  rows: number | null;
  /** `filled` (a pending swap's object already filled), `reltuples` of the current version, or `explain` of the new query. */
  source: 'filled' | 'reltuples' | 'explain' | null;
}

async function reltuples(client: pg.ClientBase, relation: string): Promise<number | null> {
  const { rows } = await client.query<{ n: number | null }>(
    `select case when reltuples >= 0 then reltuples::bigint end as n from pg_class where oid = to_regclass($1)`,
    [relation],
  );
  return rows[0]?.n == null ? null : Number(rows[0].n);
}

async function explainRows(client: pg.ClientBase, query: string): Promise<number | null> {
  try {
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${query}`);
    const plan = (rows[0]['QUERY PLAN'] as { Plan: { 'Plan Rows': number } }[])[0]!.Plan;
    return Math.round(plan['Plan Rows']);
  } catch {
    return null;
  }
}

/**
 * What the pending swaps and the pending swap migrations will fill, with an estimate of rows:
 * pg_class.reltuples of the version serving now, else EXPLAIN of the new query pointed at the
 * objects serving now (the shadows do not exist before the migration runs).
 */
export async function estimateFills(
  client: pg.ClientBase,
  waiting: readonly PendingSwap[],
  migrations: readonly { file: { name: string }; statements: readonly ParsedStatement[] }[],
): Promise<FillEstimate[]> {
  const out: FillEstimate[] = [];
  for (const s of waiting) {
    for (const r of s.rows.filter((x) => x.action === 'move' && x.fillSql)) {
      if (r.filledAt)
        out.push({ migration: label(s), relation: r.relation, rows: Number(r.filledRows), source: 'filled' });
      else {
        const n = await reltuples(client, r.relation);
        out.push({ migration: label(s), relation: r.relation, rows: n, source: n == null ? null : 'reltuples' });
      }
    }
  }
  const suffix = `${SWAP_SCHEMA_SUFFIX}.`;
  for (const m of migrations) {
    if (!isSwapMigration(m.statements)) continue;
    for (const st of m.statements) {
      const into = (st.node as { into?: { rel?: { schemaname?: string; relname?: string } } }).into?.rel;
      if (st.kind !== 'CreateTableAsStmt' || !into?.schemaname?.endsWith(SWAP_SCHEMA_SUFFIX)) continue;
      const relation = `${into.schemaname.slice(0, -SWAP_SCHEMA_SUFFIX.length)}.${into.relname}`;
      let rows = await reltuples(client, relation);
      let source: FillEstimate['source'] = rows == null ? null : 'reltuples';
      const query = /\bAS\s*\n([\s\S]*?)\s+WITH\s+(?:NO\s+)?DATA\s*;?\s*$/i.exec(st.text)?.[1];
      if (rows == null && query) {
        rows = await explainRows(client, query.split(suffix).join('.'));
        source = rows == null ? null : 'explain';
      }
      out.push({ migration: m.file.name, relation, rows, source });
    }
  }
  return out;
}

/**
 * Fill and swap every pending plan on `client`, throwing the first failure: the step a driver
 * runs right after a swap migration's script when nothing else will (Prisma's schema engine
 * replaying the migrations into a shadow database through packages/migrate/src/engine/pg-adapter.ts).
 */
export async function finishPendingSwaps(client: pg.ClientBase): Promise<void> {
  for (const s of await pendingSwaps(client)) {
    const r = await fillAndSwap(
      client,
      s,
      { ddlLockTimeoutMs: 0, statementTimeoutMs: 0, retries: 0, retryDelayMs: 0, rebuildLog: { present: false } },
      0,
    );
    if (r.error) throw r.error;
  }
}
