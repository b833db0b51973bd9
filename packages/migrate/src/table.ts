import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/** Prisma's table, created with the exact DDL of Prisma's schema engine (PostgreSQL flavour). */
// Schema-qualified: a migration may empty the session's search_path (pg_dump output does), and
// its row is written on the same connection right after. Prisma's default schema is public.
export const MIGRATIONS_TABLE = 'public._prisma_migrations';

export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE ${MIGRATIONS_TABLE} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

export interface MigrationRow {
  id: string;
  checksum: string;
  finishedAt: Date | null;
  name: string;
  logs: string | null;
  rolledBackAt: Date | null;
  startedAt: Date;
  appliedStepsCount: number;
}

/** How Prisma reads a row: applied = finished and not rolled back; failed = neither. */
export type RowState = 'applied' | 'failed' | 'rolled-back';

export function rowState(row: MigrationRow): RowState {
  if (row.rolledBackAt) return 'rolled-back';
  return row.finishedAt ? 'applied' : 'failed';
}

export async function tableExists(client: pg.ClientBase): Promise<boolean> {
  const r = await client.query<{ t: string | null }>(`select to_regclass('${MIGRATIONS_TABLE}')::text as t`);
  return r.rows[0]?.t != null;
}

/** Create the table when missing. Call under the migration lock. */
export async function ensureTable(client: pg.ClientBase): Promise<void> {
  if (!(await tableExists(client))) await client.query(CREATE_MIGRATIONS_TABLE);
}

/** All rows in the order Prisma reads them (started_at). */
export async function readRows(client: pg.ClientBase): Promise<MigrationRow[]> {
  if (!(await tableExists(client))) return [];
  const r = await client.query(
    `select id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       from ${MIGRATIONS_TABLE} order by started_at, migration_name`,
  );
  return r.rows.map((x) => ({
    id: x.id,
    checksum: x.checksum,
    finishedAt: x.finished_at,
    name: x.migration_name,
    logs: x.logs,
    rolledBackAt: x.rolled_back_at,
    startedAt: x.started_at,
    appliedStepsCount: x.applied_steps_count,
  }));
}

/**
 * The INSERT recording a migration that ran in the current transaction — started at the
 * transaction start, finished now, one step (Prisma runs a PostgreSQL migration script as one
 * step) — values as literals, so it travels in the migration's own simple-protocol message.
 */
export function appliedRowSql(client: Pick<pg.ClientBase, 'escapeLiteral'>, name: string, checksum: string): string {
  const values = [randomUUID(), checksum, name].map((v) => client.escapeLiteral(v)).join(', ');
  return `insert into ${MIGRATIONS_TABLE} (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
     values (${values}, now(), clock_timestamp(), 1)`;
}

/**
 * The INSERT recording a swap migration whose DDL ran in the current transaction but whose new
 * versions are not filled and swapped in yet: unfinished (Prisma reads it as failed, so its CLI
 * does not run past it) until the runner's swap transaction finishes it.
 */
export function unfinishedRowSql(client: Pick<pg.ClientBase, 'escapeLiteral'>, name: string, checksum: string): string {
  const values = [randomUUID(), checksum, name].map((v) => client.escapeLiteral(v)).join(', ');
  const note = client.escapeLiteral(
    'new versions created (expand); not finished until the runner has filled and swapped them in (pnpm db:migrate or pnpm db:fill)',
  );
  return `insert into ${MIGRATIONS_TABLE} (id, checksum, migration_name, started_at, finished_at, logs, applied_steps_count)
     values (${values}, now(), null, ${note}, 0)`;
}

/** A row for a migration about to run outside a transaction: failed until `markFinished`. */
export async function insertStarted(client: pg.ClientBase, name: string, checksum: string): Promise<string> {
  const id = randomUUID();
  await client.query(`insert into ${MIGRATIONS_TABLE} (id, checksum, migration_name) values ($1, $2, $3)`, [
    id,
    checksum,
    name,
  ]);
  return id;
}

export async function markFinished(client: pg.ClientBase, id: string): Promise<void> {
  await client.query(
    `update ${MIGRATIONS_TABLE} set finished_at = clock_timestamp(), applied_steps_count = 1 where id = $1`,
    [id],
  );
}

/** Record a failed attempt (finished_at null, rolled_back_at null) with its error text. */
export async function insertFailed(
  client: pg.ClientBase,
  name: string,
  checksum: string,
  startedAt: Date,
  logs: string,
): Promise<void> {
  await client.query(
    `insert into ${MIGRATIONS_TABLE} (id, checksum, migration_name, started_at, logs, applied_steps_count) values ($1, $2, $3, $4, $5, 0)`,
    [randomUUID(), checksum, name, startedAt, logs],
  );
}

export async function setLogs(client: pg.ClientBase, id: string, logs: string): Promise<void> {
  await client.query(`update ${MIGRATIONS_TABLE} set logs = $2 where id = $1`, [id, logs]);
}

/** What `prisma migrate resolve --applied` and a baseline write: 0 steps, started_at = finished_at. */
export async function insertStamped(client: pg.ClientBase, name: string, checksum: string): Promise<void> {
  await client.query(
    `insert into ${MIGRATIONS_TABLE} (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
     select $1, $2, $3, t, t, 0 from (select clock_timestamp() as t) s`,
    [randomUUID(), checksum, name],
  );
}

/** What `prisma migrate resolve --rolled-back` writes: rolled_back_at on the failed rows. */
export async function markFailedRolledBack(client: pg.ClientBase, name: string): Promise<number> {
  const r = await client.query(
    `update ${MIGRATIONS_TABLE} set rolled_back_at = now() where migration_name = $1 and finished_at is null and rolled_back_at is null`,
    [name],
  );
  return r.rowCount ?? 0;
}

export async function deleteRows(client: pg.ClientBase, name: string): Promise<void> {
  await client.query(`delete from ${MIGRATIONS_TABLE} where migration_name = $1`, [name]);
}
