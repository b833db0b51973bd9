import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { $ } from './shell.ts';
import { maskUrl } from '@warehouse/db';
import {
  parseConnection,
  type EnvironmentConfig,
  type EnvironmentRegistry,
  type ResolvedDatabase,
} from '@warehouse/env';
import { CliError } from '@warehouse/command';
import { composeArgs, dockerAvailable, ensureToolVersion, pgConn, runTool } from './tools.ts';

/**
 * Not part of "the schema" an env is compared on: the migration runner's bookkeeping table and
 * graphile-worker's schema (installed by the worker at runtime, not by migrations), and the
 * protection marker (schema toolkit, written by pnpm db:protect on protected databases only).
 */
export const DUMP_EXCLUDES = [
  '--exclude-schema=graphile_worker',
  '--exclude-table=public._prisma_migrations',
  '--exclude-schema=toolkit',
];

/**
 * pg_dump flags of a schema dump. Privileges (GRANT/REVOKE, ALTER DEFAULT PRIVILEGES) are left out
 * of db:dump and db:snapshot — the snapshot must apply before any role exists — and kept for
 * db:diff, so an env whose roles' grants are missing (a rebuild that skipped
 * db:bootstrap-roles) does not compare identical.
 */
function schemaOnly(privileges: boolean): string[] {
  return ['--schema-only', '--no-owner', ...(privileges ? [] : ['--no-privileges']), ...DUMP_EXCLUDES];
}

/**
 * Make a plain pg_dump output comparable: drop the version lines, the start/completion
 * timestamps and the per-dump random `\restrict`/`\unrestrict` keys (pg_dump 15.14+), trim
 * trailing spaces, collapse runs of blank lines. Two dumps of equal schemas are then
 * byte-identical (pg_dump itself orders objects by type and name, then dependencies).
 *
 * @example
 * normaliseDump('-- Dumped by pg_dump version 15.18\n\\restrict abc\nCREATE TABLE t ();\n') // 'CREATE TABLE t ();\n'
 */
export function normaliseDump(sql: string): string {
  const out: string[] = [];
  for (const raw of sql.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (/^\\(un)?restrict\b/.test(line)) continue;
    if (/^-- Dumped (from database|by pg_dump) version /.test(line)) continue;
    if (/^-- (Started|Completed) on /.test(line)) continue;
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

export type DumpVia = 'local' | 'compose';

/**
 * How to run pg_dump for an env: through `docker compose exec` for compose envs (the server's own
 * pg_dump, so versions match) when Docker is available and the URL is not overridden by
 * DATABASE_URL_<ENV>; otherwise the local pg_dump (refused when older than the server).
 */
export async function dumpVia(
  db: Pick<ResolvedDatabase, 'env' | 'sourceDetail'>,
  requested: 'auto' | DumpVia = 'auto',
): Promise<DumpVia> {
  if (requested !== 'auto') return requested;
  if (db.env.compose && !db.sourceDetail.startsWith('DATABASE_URL_') && (await dockerAvailable())) return 'compose';
  return 'local';
}

export interface DumpOptions {
  env: EnvironmentConfig;
  url: string;
  registry: EnvironmentRegistry;
  via: DumpVia;
  /** Include GRANT/REVOKE and ALTER DEFAULT PRIVILEGES (db:diff); default false (db:dump, db:snapshot). */
  privileges?: boolean;
}

/** Schema-only, normalised dump of an env's database (privileges only when `o.privileges`). */
export async function dumpSchema(o: DumpOptions): Promise<string> {
  if (o.via === 'compose') {
    // Inside the container: the unix socket with the image's trust auth, no password needed.
    const { user, database } = parseConnection(o.url);
    const p = await $({
      nothrow: true,
      quiet: true,
    })`docker ${composeArgs(o.env, o.registry)} exec -T ${o.env.compose!.service} pg_dump -w -U ${user} -d ${database} ${schemaOnly(o.privileges ?? false)}`;
    if (p.exitCode !== 0) {
      throw new CliError(
        'E_FAILED',
        `pg_dump through docker compose for environment ${o.env.name} (${maskUrl(o.url)}) failed: ${p.stderr.trim()}; is the ${o.env.compose!.service} service up? (docker ${composeArgs(o.env, o.registry).join(' ')} ps)`,
      );
    }
    return normaliseDump(p.stdout);
  }
  return dumpLocal(o.url, o.env.name, { privileges: o.privileges });
}

/** Schema-only, normalised dump with the local pg_dump (refused when older than the server). */
export async function dumpLocal(url: string, label: string, options: { privileges?: boolean } = {}): Promise<string> {
  await ensureToolVersion('pg_dump', url, label);
  const { conn, env } = pgConn(url);
  const r = await runTool('pg_dump', ['--no-password', ...schemaOnly(options.privileges ?? false), '--dbname', conn], {
    env,
    url,
  });
  return normaliseDump(r.stdout);
}

export interface DiffResult {
  same: boolean;
  /** `diff -u` output, empty when the same. */
  diff: string;
}

/** Unified diff of two texts (`diff -u`, which every CI image has; no JS diff dependency needed). */
export async function unifiedDiff(a: string, b: string, labelA: string, labelB: string): Promise<DiffResult> {
  if (a === b) return { same: true, diff: '' };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'warehouse-diff-'));
  try {
    const fa = path.join(dir, 'a.sql');
    const fb = path.join(dir, 'b.sql');
    await writeFile(fa, a);
    await writeFile(fb, b);
    const p = await $({ nothrow: true, quiet: true })`diff -u --label ${labelA} --label ${labelB} ${fa} ${fb}`;
    if (p.exitCode === 2 || p.exitCode === null)
      throw new CliError('E_TOOL_MISSING', `diff failed: ${p.stderr.trim()} (install diffutils)`);
    return { same: p.exitCode === 0, diff: p.stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
