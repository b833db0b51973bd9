/**
 * The schema snapshot split per schema and object kind, for review: `schema_head.sql` stays the one
 * file `db:init-from-snapshot` applies; the split form (`pnpm db:snapshot` writes both) shows in a
 * diff what kind of object changed. Each pg_dump entry (its `-- Name: …; Type: …; Schema: …`
 * header and its statements) goes, in dump order, to `<schema>/<kind>.sql`; CREATE SCHEMA entries
 * to `schemas.sql`; the SET preamble to `_preamble.sql`. Nothing is lost or rewritten.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SNAPSHOT_FILE } from '../paths.ts';

/** The split form's folder beside a snapshot file: its name without `.sql`. */
export function splitDirOf(file: string): string {
  return file.endsWith('.sql') ? file.slice(0, -4) : `${file}.d`;
}

/** packages/db/sql/schema_head/: the committed split form of schema_head.sql. */
export const SPLIT_DIR = splitDirOf(SNAPSHOT_FILE);

/** pg_dump entry type → the file (kind) it goes to. Unlisted types go to `other.sql`. */
export const KIND_OF_TYPE: Record<string, string> = {
  SCHEMA: 'schemas',
  TYPE: 'types',
  DOMAIN: 'types',
  TABLE: 'tables',
  DEFAULT: 'tables',
  SEQUENCE: 'sequences',
  'SEQUENCE OWNED BY': 'sequences',
  CONSTRAINT: 'constraints',
  'FK CONSTRAINT': 'constraints',
  'CHECK CONSTRAINT': 'constraints',
  VIEW: 'views',
  'MATERIALIZED VIEW': 'materialized_views',
  INDEX: 'indexes',
  FUNCTION: 'functions',
  PROCEDURE: 'functions',
  AGGREGATE: 'functions',
  TRIGGER: 'triggers',
  COMMENT: 'comments',
  ACL: 'grants',
  'DEFAULT ACL': 'grants',
  EXTENSION: 'extensions',
};

export interface DumpEntry {
  name: string;
  type: string;
  /** The entry's schema; `-` for schemas themselves and other global objects. */
  schema: string;
  /** The entry as in the dump: its header comment and statements. */
  text: string;
}

const HEADER = /^--\n-- (?:Data for )?Name: (.*?); Type: (.*?); Schema: (.*?); Owner: .*\n--\n/gm;
const FOOTER = '--\n-- PostgreSQL database dump complete\n--\n';

/** The dump's preamble (SET lines, before the first entry), its entries in order, and its footer. */
export function dumpEntries(sql: string): { preamble: string; entries: DumpEntry[]; footer: string } {
  const footer = sql.endsWith(FOOTER) ? FOOTER : '';
  const body = footer ? sql.slice(0, -footer.length) : sql;
  const starts = [...body.matchAll(HEADER)];
  const preamble = body.slice(0, starts[0]?.index ?? body.length);
  const entries = starts.map((m, i) => ({
    name: m[1]!,
    type: m[2]!,
    schema: m[3]!,
    text: body.slice(m.index, starts[i + 1]?.index ?? body.length),
  }));
  return { preamble, entries, footer };
}

/** The file (relative to the split folder) that an entry goes to. */
export function splitPath(e: DumpEntry): string {
  const kind = KIND_OF_TYPE[e.type] ?? 'other';
  if (e.type === 'SCHEMA') return 'schemas.sql';
  if (e.schema === '-') return `${kind}.sql`;
  return path.join(e.schema, `${kind}.sql`);
}

const banner = (file: string) =>
  `-- ${file} of schema_head.sql, written by \`pnpm db:snapshot\`; do not edit. For review only: new\n` +
  `-- databases are built from the single file (pnpm db:init-from-snapshot).\n\n`;

/** The split form of a snapshot: relative path → content, sorted by path. */
export function splitSnapshot(sql: string): Map<string, string> {
  const { preamble, entries, footer } = dumpEntries(sql);
  const parts = new Map<string, string[]>([['_preamble.sql', [preamble + footer]]]);
  for (const e of entries) {
    const file = splitPath(e);
    const list = parts.get(file);
    if (list) list.push(e.text);
    else parts.set(file, [e.text]);
  }
  return new Map(
    [...parts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([file, texts]) => [file, banner(file.split(path.sep).join('/')) + texts.join('')]),
  );
}

/** The `.sql` files under `dir` (relative paths), or none when it does not exist. */
async function filesIn(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.sql')) out.push(path.relative(dir, path.join(e.parentPath, e.name)));
  }
  return out.sort();
}

export interface SplitComparison {
  /** Files the snapshot has that the folder lacks. */
  missing: string[];
  /** `.sql` files in the folder the snapshot does not produce. */
  extra: string[];
  /** Files whose content differs. */
  changed: string[];
}

/** Compare a split folder with the split form of `sql`. */
export async function compareSplit(dir: string, split: Map<string, string>): Promise<SplitComparison> {
  const present = await filesIn(dir);
  const missing: string[] = [];
  const changed: string[] = [];
  for (const [file, content] of split) {
    if (!present.includes(file)) missing.push(file);
    else if ((await readFile(path.join(dir, file), 'utf8')) !== content) changed.push(file);
  }
  return { missing, extra: present.filter((f) => !split.has(f)), changed };
}

/**
 * Make `dir` hold exactly the split form: write missing and changed files, delete `.sql` files
 * the snapshot no longer produces (an object kind gone). Returns what it did.
 */
export async function writeSplit(dir: string, split: Map<string, string>): Promise<SplitComparison> {
  const diff = await compareSplit(dir, split);
  for (const file of [...diff.missing, ...diff.changed]) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), split.get(file)!);
  }
  for (const file of diff.extra) await rm(path.join(dir, file));
  return diff;
}
