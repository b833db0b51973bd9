import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DbError } from '../errors.ts';

/** `packages/db/prisma/migrations`, resolved from this file so it works from any cwd. */
export const DEFAULT_MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prisma/migrations');

/** A folder name Prisma accepts: `<14-digit timestamp>_<name>`. */
const FOLDER = /^\d{14}_[A-Za-z0-9_.-]+$/;

export interface MigrationFile {
  /** Folder name, which is also `_prisma_migrations.migration_name`. */
  name: string;
  dir: string;
  /** The exact text of migration.sql, decoded as UTF-8. */
  sql: string;
  /** SHA-256 hex of the migration.sql bytes, as Prisma computes it. */
  checksum: string;
  /** Header `-- migrate:no-transaction`. */
  noTransaction: boolean;
  /** Header `-- requires: a.b, c.d`. */
  requires: string[];
  /** Path of down.sql when there is one. */
  downPath?: string;
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The checksum forms that Prisma accepts as "unchanged": the plain SHA-256 hex, the same with
 * CRLF line endings normalised (a checkout on Windows), and the legacy form of old Prisma versions
 * that wrote each byte without zero padding.
 */
export function acceptableChecksums(bytes: Buffer): string[] {
  const forms = new Set<string>();
  for (const b of [bytes, Buffer.from(bytes.toString('utf8').replace(/\r\n/g, '\n')), Buffer.from(bytes.toString('utf8').replace(/\r?\n/g, '\r\n'))]) {
    const digest = createHash('sha256').update(b).digest();
    forms.add(digest.toString('hex'));
    forms.add([...digest].map((x) => x.toString(16)).join(''));
  }
  return [...forms];
}

/**
 * Header lines: the leading `--` comment lines (and blank lines) before the first statement.
 * `-- migrate:no-transaction` and `-- requires: a.b, c.d` (see docs/design.md).
 */
export function parseHeaders(sql: string): { noTransaction: boolean; requires: string[] } {
  let noTransaction = false;
  const requires: string[] = [];
  for (const raw of sql.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('--')) break;
    const body = line.slice(2).trim();
    if (/^migrate:\s*no-transaction$/i.test(body)) noTransaction = true;
    const req = /^requires:\s*(.*)$/i.exec(body);
    if (req) {
      for (const name of req[1]!.split(',').map((s) => s.trim()).filter(Boolean)) requires.push(name);
    }
  }
  return { noTransaction, requires };
}

/**
 * Read a migrations directory: every `<timestamp>_<name>/migration.sql`, sorted by name.
 * `migration_lock.toml`, `migrations_archive/` and other files are ignored.
 */
export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  if (!existsSync(dir)) {
    throw new DbError('E_MIGRATION_DIR', `migrations directory ${dir} does not exist; pass the folder that holds <timestamp>_<name>/migration.sql (default packages/db/prisma/migrations)`);
  }
  const entries = await readdir(dir, { withFileTypes: true });
  const out: MigrationFile[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === 'migrations_archive' || entry.name.startsWith('.')) continue;
    const folder = path.join(dir, entry.name);
    const file = path.join(folder, 'migration.sql');
    if (!FOLDER.test(entry.name)) {
      throw new DbError('E_MIGRATION_DIR', `migration folder ${folder} is not named <14-digit timestamp>_<name> (e.g. 20250101120000_create_calendar); rename it or move it to migrations_archive/`);
    }
    if (!existsSync(file)) {
      throw new DbError('E_MIGRATION_DIR', `migration folder ${folder} has no migration.sql; add it or delete the folder`);
    }
    const bytes = await readFile(file);
    const sql = bytes.toString('utf8');
    const downPath = path.join(folder, 'down.sql');
    out.push({
      name: entry.name,
      dir: folder,
      sql,
      checksum: sha256Hex(bytes),
      ...parseHeaders(sql),
      downPath: existsSync(downPath) && (await stat(downPath)).isFile() ? downPath : undefined,
    });
  }
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** Regex-escape. */
function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A pattern that matches `CREATE [OR REPLACE] [MATERIALIZED] VIEW|TABLE [IF NOT EXISTS] schema.name`, quoted or not. */
export function creatorPattern(qualified: string): RegExp {
  const parts = qualified.split('.').map((p) => p.replace(/^"|"$/g, ''));
  const name = parts.map((p) => `"?${esc(p)}"?`).join('\\s*\\.\\s*');
  return new RegExp(
    `\\bcreate\\s+(?:or\\s+replace\\s+)?(?:(?:unlogged|temp|temporary)\\s+)?(?:materialized\\s+)?(?:view|table)\\s+(?:if\\s+not\\s+exists\\s+)?${name}(?![A-Za-z0-9_"$])`,
    'i',
  );
}

/** The first migration whose SQL creates `qualified` (a table, view or materialized view). */
export function findCreator(migrations: MigrationFile[], qualified: string): MigrationFile | undefined {
  const re = creatorPattern(qualified);
  return migrations.find((m) => re.test(m.sql));
}
