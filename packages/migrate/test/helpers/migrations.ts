// Test-only stand-in for the migration runner: read the migration folders and apply each file as
// one simple-protocol query inside BEGIN/COMMIT, as docs/design.md prescribes. No bookkeeping. A
// view-catalog migration made by expand/fill/swap (it writes a plan into log.migration_swap) is
// finished right after its script by the runner's own fill and swap, as every driver does
// (`finishPendingSwaps`, which the Prisma engine's adapter uses too).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { finishPendingSwaps } from '../../src/swap.ts';

export const migrationsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../db/prisma/migrations',
);

export interface MigrationFiles {
  name: string;
  up: string;
  down: string | null;
  /** Relations named by `-- requires:` header lines. */
  requires: string[];
  noTransaction: boolean;
}

/** Leading `--` comment lines of a migration (its header). */
export function headerLines(sql: string): string[] {
  const lines: string[] = [];
  for (const line of sql.split(/\r?\n/)) {
    if (line.startsWith('--')) lines.push(line);
    else break;
  }
  return lines;
}

export function listMigrations(dir = migrationsDir): MigrationFiles[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d{14}_/.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const up = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      const downFile = path.join(dir, name, 'down.sql');
      const header = headerLines(up);
      return {
        name,
        up,
        down: existsSync(downFile) ? readFileSync(downFile, 'utf8') : null,
        requires: header
          .filter((l) => /^--\s*requires:/.test(l))
          .flatMap((l) => l.replace(/^--\s*requires:/, '').split(','))
          .map((s) => s.trim())
          .filter(Boolean),
        noTransaction: header.some((l) => /^--\s*migrate:no-transaction\s*$/.test(l)),
      };
    });
}

/** Run one file as a single query, in a transaction unless it says `-- migrate:no-transaction`. */
export async function runFile(client: pg.ClientBase, sql: string, label: string, noTransaction = false): Promise<void> {
  if (noTransaction) {
    await client.query(sql);
    return;
  }
  await client.query('BEGIN');
  try {
    await client.query(sql);
    await client.query('COMMIT');
    await finishPendingSwaps(client); // nothing to do unless the file wrote a swap plan
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw new Error(`${label} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Names among `relations` that do not exist (to_regclass is NULL). */
export async function missingRelations(client: pg.ClientBase, relations: string[]): Promise<string[]> {
  if (relations.length === 0) return [];
  const { rows } = await client.query<{ name: string }>(
    'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL',
    [relations],
  );
  return rows.map((r) => r.name);
}

/** Apply every migration in order; throws naming the migration whose `requires` are not met. */
export async function applyAllMigrations(client: pg.ClientBase, migrations = listMigrations()): Promise<void> {
  for (const m of migrations) {
    const missing = await missingRelations(client, m.requires);
    if (missing.length > 0) throw new Error(`${m.name} requires ${missing.join(', ')}, which do not exist`);
    await runFile(client, m.up, `${m.name}/migration.sql`, m.noTransaction);
  }
}
