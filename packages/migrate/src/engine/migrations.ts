import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationList, SchemasContainer } from '@prisma/schema-engine-wasm';
import { DbError } from '@warehouse/db';

/** `packages/db/prisma/schema.prisma`, resolved from this file so it works from any cwd. */
export const DEFAULT_SCHEMA_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../db/prisma/schema.prisma',
);

const FOLDER = /^(\d{14})_([A-Za-z0-9_.-]+)$/;

/** A problem with the migrations folder that makes every other check meaningless. */
export interface FolderProblem {
  kind: 'missing-migration-sql' | 'duplicate-timestamp' | 'bad-folder-name';
  folders: string[];
  message: string;
}

/** The migration folders (sorted), skipping files, hidden folders and `migrations_archive`. */
export async function migrationFolders(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'migrations_archive')
    .map((e) => e.name)
    .sort();
}

/**
 * Structural checks: every folder is `<14-digit timestamp>_<name>`, has a migration.sql, and no two
 * folders share a timestamp (their order would depend on the name, and two branches that each
 * added a migration at the same second would apply in an order nobody chose).
 */
export async function checkMigrationFolders(dir: string): Promise<FolderProblem[]> {
  const problems: FolderProblem[] = [];
  const byStamp = new Map<string, string[]>();
  for (const folder of await migrationFolders(dir)) {
    const m = FOLDER.exec(folder);
    if (!m) {
      problems.push({
        kind: 'bad-folder-name',
        folders: [folder],
        message: `migration folder ${path.join(dir, folder)} is not named <14-digit timestamp>_<name>; rename it (e.g. 20250101120000_${folder.replace(/[^A-Za-z0-9_]/g, '_')}) or move it to migrations_archive/`,
      });
      continue;
    }
    const file = path.join(dir, folder, 'migration.sql');
    if (!existsSync(file) || !(await stat(file)).isFile()) {
      problems.push({
        kind: 'missing-migration-sql',
        folders: [folder],
        message: `migration folder ${path.join(dir, folder)} has no migration.sql; add it (pnpm db:migrate:new --empty for hand-written SQL) or delete the folder`,
      });
    }
    byStamp.set(m[1]!, [...(byStamp.get(m[1]!) ?? []), folder]);
  }
  for (const [stamp, folders] of byStamp) {
    if (folders.length > 1) {
      problems.push({
        kind: 'duplicate-timestamp',
        folders,
        message: `migrations ${folders.join(', ')} share the timestamp ${stamp}; give all but the first a later timestamp (rename the folder) unless it is already applied somewhere`,
      });
    }
  }
  return problems;
}

/** The migrations folder in the shape the schema engine takes (`MigrationList`). */
export async function loadMigrationList(dir: string, shadowDbInitScript = ''): Promise<MigrationList> {
  const lockPath = path.join(dir, 'migration_lock.toml');
  const lockfile = {
    path: 'migration_lock.toml',
    content: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : null,
  };
  const migrationDirectories = [];
  for (const folder of await migrationFolders(dir)) {
    const content = await readFile(path.join(dir, folder, 'migration.sql'), 'utf8').then(
      (value) => ({ tag: 'ok' as const, value }),
      (error: Error) => ({ tag: 'error' as const, value: error.message }),
    );
    migrationDirectories.push({ path: folder, migrationFile: { path: 'migration.sql', content } });
  }
  return { baseDir: dir, lockfile, shadowDbInitScript, migrationDirectories };
}

/** The Prisma schema: one file, or every `.prisma` file under a folder (multi-file schema). */
export async function schemaFiles(schemaPath: string): Promise<string[]> {
  if (!existsSync(schemaPath)) {
    throw new Error(
      `Prisma schema ${schemaPath} does not exist; pass --schema with the path of schema.prisma (or of its folder)`,
    );
  }
  if (!(await stat(schemaPath)).isDirectory()) return [schemaPath];
  const entries = await readdir(schemaPath, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.prisma'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export async function loadSchemas(files: string[]): Promise<SchemasContainer> {
  return { files: await Promise.all(files.map(async (f) => ({ path: f, content: await readFile(f, 'utf8') }))) };
}

/** UTC `YYYYMMDDHHMMSS`. */
export function timestampOf(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * The timestamp for a new migration: now, or one second after the newest existing folder when the
 * clock is behind it (so the new one always sorts last and never shares a timestamp).
 */
export function nextTimestamp(existing: string[], now: Date): string {
  const latest = existing
    .map((f) => FOLDER.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort()
    .at(-1);
  const candidate = timestampOf(now);
  if (!latest || candidate > latest) return candidate;
  const d = new Date(
    Date.UTC(
      +latest.slice(0, 4),
      +latest.slice(4, 6) - 1,
      +latest.slice(6, 8),
      +latest.slice(8, 10),
      +latest.slice(10, 12),
      +latest.slice(12, 14),
    ) + 1000,
  );
  return timestampOf(d);
}

/**
 * An id chosen by hand (`db:migrate:new --id YYYYMMDDHHMMSS`, the old team's `REV_ID=…`): a real
 * UTC date and time, later than every migration folder on disk, and not one that exists. Returns
 * the id; throws E_BAD_ARGUMENT naming the id, the folder in the way and the fix.
 */
export function explicitTimestamp(id: string, existing: string[]): string {
  const latest = nextTimestamp(existing, new Date(0));
  const fix = `pass an id after the newest migration, e.g. --id ${latest}, or leave --id out to take the clock`;
  if (!/^\d{14}$/.test(id)) {
    throw new DbError(
      'E_BAD_ARGUMENT',
      `migration id ${JSON.stringify(id)} is not YYYYMMDDHHMMSS (14 digits, UTC); ${fix}`,
    );
  }
  const [y, mo, d, h, mi, se] = [0, 4, 6, 8, 10, 12].map((i) => +id.slice(i, i + (i === 0 ? 4 : 2))) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  if (y < 1970 || timestampOf(t) !== id) {
    throw new DbError(
      'E_BAD_ARGUMENT',
      `migration id ${id} is not a date and time (year ${y}, month ${mo}, day ${d}, ${h}:${mi}:${se}); ${fix}`,
    );
  }
  const same = existing.filter((f) => FOLDER.exec(f)?.[1] === id);
  if (same.length) {
    throw new DbError('E_BAD_ARGUMENT', `migration id ${id} already exists: ${same.join(', ')}; ${fix}`);
  }
  const newest = existing.filter((f) => FOLDER.test(f)).at(-1);
  if (newest && id < FOLDER.exec(newest)![1]!) {
    throw new DbError(
      'E_BAD_ARGUMENT',
      `migration id ${id} is not after the newest migration ${newest}: it would sort before it and run out of order; ${fix}`,
    );
  }
  return id;
}

/** A migration name as a folder suffix: lower snake_case, like Prisma's. */
export function slugName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
}
