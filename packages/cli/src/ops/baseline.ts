import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createScratchDatabase, startThrowawayServer, type DatabaseIdentity } from '@warehouse/env';
import { maskUrl, withClient } from '@warehouse/db';
import { SWAP_SCHEMA_SUFFIX } from '@warehouse/migrate/catalog';
import { migrate, stamp, DEFAULT_MIGRATIONS_DIR } from '@warehouse/migrate';
import { nextTimestamp } from '@warehouse/migrate/engine';
import { CliError } from '@warehouse/command';
import { dumpLocal } from './dump.ts';
import { SNAPSHOT_FILE } from '../paths.ts';
import { confirmSameAfter, confirmToolTarget, pgConn, runTool } from './tools.ts';

/** packages/db/sql/schema_head.sql (defined in paths.ts, which the scripts' --help can load). */
export { SNAPSHOT_FILE };
/** Squashed migrations go here (a sibling of migrations/; the runner never reads it). */
export const ARCHIVE_DIR = path.resolve(DEFAULT_MIGRATIONS_DIR, '../migrations_archive');

/**
 * Migrate a scratch database from empty and dump its schema (normalised). Uses `adminUrl`'s
 * server when given (a test server), else starts a throw-away embedded server.
 */
export async function snapshotSchema(
  options: { adminUrl?: string; dir?: string; log?: (m: string) => void } = {},
): Promise<string> {
  const server = options.adminUrl ? undefined : await startThrowawayServer();
  const adminUrl = options.adminUrl ?? server!.adminUrl;
  const db = await createScratchDatabase(adminUrl, { prefix: 'snapshot' });
  try {
    const result = await migrate({ url: db.url, dir: options.dir });
    if (result.failed)
      throw new CliError(
        'E_FAILED',
        `migrating a scratch database from empty failed at ${result.failed.name}: ${result.failed.error.message}`,
      );
    options.log?.(`migrated a scratch database from empty (${result.applied.length} migrations)`);
    const sql = await dumpLocal(db.url, 'the scratch database');
    // migrate fills and swaps every view migration before it returns: a shadow schema left means a
    // swap did not finish, and a snapshot with it would give new envs empty copies nobody reads.
    const shadows = swapSchemasIn(sql);
    if (shadows.length)
      throw new CliError(
        'E_FAILED',
        `the scratch database still has ${shadows.join(', ')} after migrating (a view migration's swap did not finish); nothing was written. Run \`pnpm db:migrate\` on a copy and read its fill/swap messages`,
      );
    return sql;
  } finally {
    await db.drop().catch(() => {});
    await server?.stop();
  }
}

/**
 * pg_dump's settings made local to the migration's transaction: the runner refuses a session-level
 * `SET` / `set_config(…, false)` (it would stay for every migration after the baseline), and
 * lock_timeout / statement_timeout are the runner's own (its header or --ddl-lock-timeout), so
 * pg_dump's `SET lock_timeout = 0` and `SET statement_timeout = 0` are dropped.
 *
 * @example
 * localiseDumpSettings("SET lock_timeout = 0;\nSET xmloption = content;\n") // 'SET LOCAL xmloption = content;\n'
 */
export function localiseDumpSettings(sql: string): string {
  return sql
    .replace(/^SET (?:lock_timeout|statement_timeout) = [^;\n]*;\n/gm, '')
    .replace(/^SET (?!LOCAL )(\w+) = ([^;\n]*);$/gm, 'SET LOCAL $1 = $2;')
    .replace(
      /^SELECT pg_catalog\.set_config\('search_path', '', false\);$/gm,
      "SELECT pg_catalog.set_config('search_path', '', true);",
    );
}

/** Schemas a snapshot file creates (`CREATE SCHEMA name;`). */
export function schemasIn(sql: string): string[] {
  return [...sql.matchAll(/^CREATE SCHEMA (?:IF NOT EXISTS )?"?([^";\s]+)"?;/gm)].map((m) => m[1]!);
}

/** Shadow schemas of expand/fill/swap (`mart__swap`) a snapshot file creates: it was dumped mid-swap. */
export function swapSchemasIn(sql: string): string[] {
  return schemasIn(sql).filter((s) => s.endsWith(SWAP_SCHEMA_SUFFIX));
}

/** What makes a database not empty for a snapshot: the migrations table or one of its schemas. */
export async function nonEmptyReasons(url: string, schemas: string[]): Promise<string[]> {
  return withClient(url, async (client) => {
    const reasons: string[] = [];
    if ((await client.query("select to_regclass('public._prisma_migrations') as t")).rows[0].t)
      reasons.push('_prisma_migrations exists');
    const found = (
      await client.query('select nspname from pg_namespace where nspname = any($1) order by 1', [schemas])
    ).rows.map((r) => r.nspname as string);
    if (found.length)
      reasons.push(`schema${found.length > 1 ? 's' : ''} ${found.join(', ')} exist${found.length > 1 ? '' : 's'}`);
    return reasons;
  });
}

/**
 * Apply a schema snapshot to an empty database (psql, one transaction, stop on the first error)
 * and stamp every migration as applied: the fast path for a new env.
 */
export async function initFromSnapshot(o: {
  url: string;
  envName: string;
  file?: string;
  dir?: string;
  /** Who the guard judged the target to be (read again when absent). */
  judged?: DatabaseIdentity;
}): Promise<{ applied: string; stamped: string[] }> {
  const applied = await applySnapshot(o);
  const r = await stamp({ url: o.url, dir: o.dir, to: 'head' });
  return { applied, stamped: r.stamped };
}

/**
 * The first half of initFromSnapshot: refuse a database that is not empty, then apply the snapshot
 * with psql in one transaction. Returns the file applied. Nothing is stamped.
 */
export async function applySnapshot(o: {
  url: string;
  envName: string;
  file?: string;
  /** Who the guard judged the target to be (read again when absent). */
  judged?: DatabaseIdentity;
}): Promise<string> {
  const file = path.resolve(o.file ?? SNAPSHOT_FILE);
  if (!existsSync(file))
    throw new CliError('E_USAGE', `snapshot ${file} does not exist; write it with \`pnpm db:snapshot\``);
  const sql = await readFile(file, 'utf8');
  // A dump taken while a view migration's new versions waited to be filled and swapped in holds
  // them empty beside the old ones, and no plan (schema only): stamped at head, nothing would ever
  // fill or drop them.
  const shadows = swapSchemasIn(sql);
  if (shadows.length)
    throw new CliError(
      'E_USAGE',
      `snapshot ${file} was taken in the middle of a view migration's swap: it creates ${shadows.join(', ')} (the new versions, empty, that \`pnpm db:fill\` fills and swaps in). ` +
        `Write the snapshot with \`pnpm db:snapshot\` (it migrates a scratch database to the end), or run \`pnpm db:fill\` on the database it was dumped from and dump it again. Nothing was changed.`,
    );
  const reasons = await nonEmptyReasons(o.url, schemasIn(sql));
  if (reasons.length) {
    throw new CliError(
      'E_FAILED',
      `environment ${o.envName} (${maskUrl(o.url)}) is not empty (${reasons.join('; ')}); a snapshot only goes into an empty database. ` +
        `Fix: \`pnpm db:reset --env ${o.envName}\` first, or, for an existing database already at the same schema, \`pnpm db:stamp --env ${o.envName} --to head\`. Nothing was changed.`,
    );
  }
  const before = await confirmToolTarget({ url: o.url, judged: o.judged, tool: 'psql', envName: o.envName });
  const { conn, env } = pgConn(o.url);
  // \restrict (psql 15.14+) with a key the file cannot know: no \connect, \!, \o … from the file.
  const key = randomBytes(16).toString('hex');
  await runTool(
    'psql',
    [
      '-X',
      '-q',
      '-w',
      '-v',
      'ON_ERROR_STOP=1',
      '--single-transaction',
      '--dbname',
      conn,
      '-c',
      `\\restrict ${key}`,
      '-f',
      file,
    ],
    { env, url: o.url },
  );
  await confirmSameAfter({ url: o.url, before, tool: 'psql', envName: o.envName });
  return file;
}

export interface BaselineResult {
  folder: string;
  name: string;
  archived: string[];
  archiveDir: string;
}

/**
 * Write `<now>_<name>/migration.sql` (a baseline: the given schema dump) into `dir` and move every
 * older migration folder to `archiveDir`. Existing envs then run `pnpm db:stamp --to <folder>`.
 */
export async function writeBaseline(o: {
  schemaSql: string;
  name: string;
  fromEnv: string;
  dir?: string;
  archiveDir?: string;
  now?: () => Date;
}): Promise<BaselineResult> {
  const dir = path.resolve(o.dir ?? DEFAULT_MIGRATIONS_DIR);
  const archiveDir = path.resolve(o.archiveDir ?? path.join(path.dirname(dir), 'migrations_archive'));
  if (!/^[a-z0-9_]+$/.test(o.name))
    throw new CliError(
      'E_USAGE',
      `baseline name ${JSON.stringify(o.name)} must be lower-case letters, digits and _ (e.g. baseline_2026_01)`,
    );
  const folders = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && /^\d{14}_/.test(e.name))
    .map((e) => e.name)
    .sort();
  if (folders.length === 0) throw new CliError('E_USAGE', `no migrations in ${dir} to squash`);
  // Now, or one second after the newest folder when the clock is behind it: the rule of db:migrate:new.
  const ts = nextTimestamp(folders, (o.now ?? (() => new Date()))());
  const name = `${ts}_${o.name}`;
  const clash = folders.filter((f) => existsSync(path.join(archiveDir, f)));
  if (clash.length) throw new CliError('E_USAGE', `${archiveDir} already holds ${clash.join(', ')}; nothing was moved`);
  const header =
    `-- baseline: the schema of ${o.fromEnv} at ${folders[folders.length - 1]}, squashing ${folders.length} migrations (${folders[0]} … ${folders[folders.length - 1]}),\n` +
    `-- written by pnpm db:baseline; the squashed folders are in ${path.basename(archiveDir)}/. Existing databases: pnpm db:stamp --to ${name}\n\n`;
  await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, name, 'migration.sql'), header + localiseDumpSettings(o.schemaSql));
  await mkdir(archiveDir, { recursive: true });
  for (const f of folders) await rename(path.join(dir, f), path.join(archiveDir, f));
  return { folder: path.join(dir, name), name, archived: folders, archiveDir };
}
