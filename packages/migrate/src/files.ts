import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DbError } from '@warehouse/db';

/** `packages/db/prisma/migrations`, resolved from this file so it works from any cwd. */
export const DEFAULT_MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../db/prisma/migrations',
);

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
  /** Header `-- migrate:ddl-lock-timeout 30s`: PostgreSQL's lock_timeout for this file's statements. */
  ddlLockTimeoutMs?: number;
  /** Header `-- migrate:statement-timeout 10min`: PostgreSQL's statement_timeout for this file. */
  statementTimeoutMs?: number;
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
  for (const b of [
    bytes,
    Buffer.from(bytes.toString('utf8').replace(/\r\n/g, '\n')),
    Buffer.from(bytes.toString('utf8').replace(/\r?\n/g, '\r\n')),
  ]) {
    const digest = createHash('sha256').update(b).digest();
    forms.add(digest.toString('hex'));
    forms.add([...digest].map((x) => x.toString(16)).join(''));
  }
  return [...forms];
}

/**
 * A duration as PostgreSQL spells it for timeouts: `500ms`, `5s`, `2min`, `1h`, or a bare number
 * of milliseconds; `0` means no limit. Returns undefined for anything else.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 }[(m[2] ?? 'ms').toLowerCase() as 'ms'];
  return Math.round(Number(m[1]) * unit);
}

export interface MigrationHeaders {
  noTransaction: boolean;
  requires: string[];
  ddlLockTimeoutMs?: number;
  statementTimeoutMs?: number;
}

/**
 * Header lines: the leading `--` comment lines (and blank lines) before the first statement.
 * `-- migrate:no-transaction`, `-- requires: a.b, c.d`, `-- migrate:ddl-lock-timeout 30s`,
 * `-- migrate:statement-timeout 10min` (see docs/design.md). A timeout header with a value that is
 * not a duration is refused with E_MIGRATION_DIR.
 */
export function parseHeaders(sql: string, file = 'migration.sql'): MigrationHeaders {
  let noTransaction = false;
  const requires: string[] = [];
  const timeouts: { ddlLockTimeoutMs?: number; statementTimeoutMs?: number } = {};
  for (const raw of sql.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('--')) break;
    const body = line.slice(2).trim();
    if (/^migrate:\s*no-transaction$/i.test(body)) noTransaction = true;
    const req = /^requires:\s*(.*)$/i.exec(body);
    if (req) {
      for (const name of req[1]!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean))
        requires.push(name);
    }
    const t = /^migrate:\s*(ddl-lock-timeout|statement-timeout)\s*[:=]?\s*(.*)$/i.exec(body);
    if (t) {
      const ms = parseDuration(t[2]!);
      if (ms === undefined) {
        throw new DbError(
          'E_MIGRATION_DIR',
          `${file}: header \`-- migrate:${t[1]} ${t[2]}\` is not a duration; write e.g. \`-- migrate:${t[1]} 30s\` (ms, s, min, h; 0 = no limit)`,
        );
      }
      timeouts[t[1]!.toLowerCase() === 'ddl-lock-timeout' ? 'ddlLockTimeoutMs' : 'statementTimeoutMs'] = ms;
    }
  }
  return { noTransaction, requires, ...timeouts };
}

/**
 * Read a migrations directory: every `<timestamp>_<name>/migration.sql`, sorted by name.
 * `migration_lock.toml`, `migrations_archive/` and other files are ignored.
 */
export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  if (!existsSync(dir)) {
    throw new DbError(
      'E_MIGRATION_DIR',
      `migrations directory ${dir} does not exist; pass the folder that holds <timestamp>_<name>/migration.sql (default packages/db/prisma/migrations)`,
    );
  }
  const entries = await readdir(dir, { withFileTypes: true });
  const folders = entries.filter((e) => e.isDirectory() && e.name !== 'migrations_archive' && !e.name.startsWith('.'));
  for (const entry of folders) {
    if (!FOLDER.test(entry.name)) {
      throw new DbError(
        'E_MIGRATION_DIR',
        `migration folder ${path.join(dir, entry.name)} is not named <14-digit timestamp>_<name> (e.g. 20250101120000_create_calendar); rename it or move it to migrations_archive/`,
      );
    }
  }
  // Read the folders concurrently: with hundreds of migrations, one file at a time is I/O latency bound.
  const out: MigrationFile[] = await Promise.all(
    folders.map(async (entry) => {
      const folder = path.join(dir, entry.name);
      const file = path.join(folder, 'migration.sql');
      const downPath = path.join(folder, 'down.sql');
      const [bytes, down] = await Promise.all([
        readFile(file).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e))),
        stat(downPath).catch(() => undefined),
      ]);
      if (!bytes)
        throw new DbError(
          'E_MIGRATION_DIR',
          `migration folder ${folder} has no migration.sql; add it or delete the folder`,
        );
      const sql = bytes.toString('utf8');
      return {
        name: entry.name,
        dir: folder,
        sql,
        checksum: sha256Hex(bytes),
        ...parseHeaders(sql, file),
        downPath: down?.isFile() ? downPath : undefined,
      };
    }),
  );
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
