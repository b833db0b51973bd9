import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DbError } from '../errors.ts';

/** `packages/db/prisma/views`, the folder Prisma's `db pull` uses for views; resolved from this file. */
export const DEFAULT_CATALOG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prisma/views');

/** `table`: an incremental object, a table the refresher maintains from its declared query (see `incremental`). */
export type CatalogKind = 'view' | 'matview' | 'table';

/** Suffix of the view that holds an incremental table's declared query (`mart.mv_receive_daily__query`). */
export const QUERY_VIEW_SUFFIX = '__query';

export interface CatalogIndex {
  name: string;
  unique: boolean;
  /** What follows the index name in the header: `(iso_year, iso_week)`, `USING gin (x)`, … */
  spec: string;
}

/**
 * One view or materialized view of the catalog: `<dir>/<schema>/<name>.sql`, a short header
 * (what the query alone cannot say) and the query.
 */
export interface CatalogObject {
  /** `schema.name`. */
  name: string;
  schema: string;
  relname: string;
  kind: CatalogKind;
  /** The SELECT (or WITH … SELECT), without a trailing semicolon. */
  query: string;
  indexes: CatalogIndex[];
  comment: string | null;
  /**
   * `-- label: 日別受入`: the name office staff see for it in the console (Japanese). Not written to
   * the database (the comment is), so a changed label needs no migration.
   */
  label?: string | null;
  /** Storage parameters / view options, as written inside `WITH (…)`, or null. */
  options: string | null;
  /** MVs only: `after-migrate` creates it WITH NO DATA and leaves the populating to `db:migrate`. */
  populate: 'with-data' | 'after-migrate';
  /** Path of the file (for messages). */
  file: string;
  /**
   * `-- incremental by COL`: the object is a table with the same name, columns, indexes and
   * comment, kept by the refresher per value of COL from the declared query (held in the view
   * `<name>__query`). Null for plain views and MVs.
   */
  incremental?: { key: string } | null;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function fail(file: string, message: string): never {
  throw new DbError('E_CATALOG', `${file}: ${message}`);
}

/**
 * Parse one catalog file. The header is the leading block of `--` lines, up to the first blank or
 * non-comment line:
 *
 * ```sql
 * -- materialized view mart.mv_receive_daily
 * -- comment: One row per date with receive rows.
 * -- label: 日別受入
 * -- unique index ux_mv_receive_daily_ddate (ddate)
 * -- index ix_mv_receive_daily_iso_week (iso_year, iso_week)
 * -- with (fillfactor = 90)
 * -- populate: after migrate
 *
 * SELECT …
 * ```
 */
export function parseCatalogFile(
  text: string,
  file: string,
  expected?: { schema: string; relname: string },
): CatalogObject {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n/g, '\n')
    .split('\n');
  let i = 0;
  const header: string[] = [];
  while (i < lines.length && lines[i]!.startsWith('--')) header.push(lines[i++]!);
  const query = lines.slice(i).join('\n').trim().replace(/;\s*$/, '').trimEnd();
  if (header.length === 0)
    fail(file, 'has no header; its first line must be `-- view schema.name` or `-- materialized view schema.name`');
  const first = /^--\s*(view|materialized view)\s+([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\s*$/.exec(header[0]!);
  if (!first)
    fail(
      file,
      `first line ${JSON.stringify(header[0])} must be \`-- view schema.name\` or \`-- materialized view schema.name\` (lower-case identifiers)`,
    );
  const kind: CatalogKind = first[1] === 'view' ? 'view' : 'matview';
  const [schema, relname] = [first[2]!, first[3]!];
  if (expected && (expected.schema !== schema || expected.relname !== relname)) {
    fail(
      file,
      `declares ${schema}.${relname} but its path says ${expected.schema}.${expected.relname}; rename the file or fix the header`,
    );
  }
  const obj: CatalogObject = {
    name: `${schema}.${relname}`,
    schema,
    relname,
    kind,
    query,
    indexes: [],
    comment: null,
    options: null,
    populate: 'with-data',
    file,
  };
  let lastKey = '';
  for (const raw of header.slice(1)) {
    const body = raw.replace(/^--/, '');
    if (lastKey === 'comment' && /^\s{2,}\S/.test(body)) {
      obj.comment = `${obj.comment} ${body.trim()}`;
      continue;
    }
    const line = body.trim();
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^comment:\s*(.+)$/.exec(line))) {
      obj.comment = m[1]!.trim();
      lastKey = 'comment';
      continue;
    }
    lastKey = '';
    if ((m = /^label:\s*(.+)$/.exec(line))) {
      obj.label = m[1]!.trim();
      continue;
    }
    if ((m = /^(unique\s+)?index\s+([a-z_][a-z0-9_]*)\s+(.+)$/i.exec(line))) {
      const unique = !!m[1];
      if (kind !== 'matview')
        fail(file, `a plain view cannot have indexes (${line}); make it a materialized view or drop the line`);
      if (unique && obj.indexes.some((x) => !x.unique))
        fail(file, `unique index ${m[2]} must come before the other indexes (the unique one first)`);
      if (obj.indexes.some((x) => x.name === m![2])) fail(file, `index ${m[2]} is declared twice`);
      obj.indexes.push({ name: m[2]!, unique, spec: m[3]!.trim() });
      continue;
    }
    if ((m = /^with\s*\((.+)\)$/i.exec(line))) {
      obj.options = m[1]!.trim();
      continue;
    }
    if ((m = /^incremental\s+by\s+(\S+)$/i.exec(line))) {
      if (kind !== 'matview')
        fail(file, `incremental by applies to materialized views only (${line}); declare it on a materialized view`);
      if (!IDENT.test(m[1]!)) fail(file, `incremental by ${m[1]}: the key must be a lower-case column name`);
      obj.incremental = { key: m[1]! };
      continue;
    }
    if ((m = /^populate:\s*(.+)$/i.exec(line))) {
      const v = m[1]!.trim().toLowerCase();
      if (kind !== 'matview') fail(file, 'populate: applies to materialized views only');
      if (v === 'after migrate') obj.populate = 'after-migrate';
      else if (v === 'with data') obj.populate = 'with-data';
      else fail(file, `populate: ${JSON.stringify(m[1])} is not one of "with data" (default), "after migrate"`);
      continue;
    }
    fail(
      file,
      `header line ${JSON.stringify(raw)} is not one of: comment:, label:, unique index NAME (…), index NAME (…), with (…), populate: after migrate, incremental by COL; end the header with a blank line before SQL comments`,
    );
  }
  if (!query) fail(file, 'has no query after its header');
  if (obj.incremental) {
    if (obj.populate === 'after-migrate')
      fail(
        file,
        'populate: after migrate cannot be combined with incremental by (the table is built in its migration)',
      );
    if (obj.options)
      fail(file, `with (${obj.options}) cannot be combined with incremental by (storage parameters of an MV)`);
    obj.kind = 'table';
  }
  if (/^\s*create\b/i.test(query))
    fail(file, 'holds a CREATE statement; keep only the query (SELECT …), the header says what to create');
  return obj;
}

/**
 * Read every `<dir>/<schema>/<name>.sql`, sorted by name. A missing folder is an empty catalog.
 * Synchronous so that module-level derived lists (DOMAIN_OBJECTS) can use it.
 */
export function readCatalog(dir: string = DEFAULT_CATALOG_DIR): CatalogObject[] {
  if (!existsSync(dir)) return [];
  const out: CatalogObject[] = [];
  for (const schemaEntry of readdirSync(dir, { withFileTypes: true })) {
    if (!schemaEntry.isDirectory() || schemaEntry.name.startsWith('.')) continue;
    if (!IDENT.test(schemaEntry.name)) fail(path.join(dir, schemaEntry.name), 'is not a lower-case schema name');
    for (const f of readdirSync(path.join(dir, schemaEntry.name), { withFileTypes: true })) {
      if (!f.isFile() || !f.name.endsWith('.sql')) continue;
      const file = path.join(dir, schemaEntry.name, f.name);
      const relname = f.name.slice(0, -4);
      if (!IDENT.test(relname)) fail(file, 'file name is not a lower-case identifier + .sql');
      out.push(parseCatalogFile(readFileSync(file, 'utf8'), file, { schema: schemaEntry.name, relname }));
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Render an object back into the file format (used to convert existing objects into the catalog). */
export function renderCatalogFile(o: Omit<CatalogObject, 'file'>): string {
  const lines = [`-- ${o.kind === 'view' ? 'view' : 'materialized view'} ${o.name}`];
  if (o.comment) lines.push(`-- comment: ${o.comment}`);
  if (o.label) lines.push(`-- label: ${o.label}`);
  if (o.incremental) lines.push(`-- incremental by ${o.incremental.key}`);
  for (const ix of [...o.indexes].sort((a, b) => Number(b.unique) - Number(a.unique)))
    lines.push(`-- ${ix.unique ? 'unique ' : ''}index ${ix.name} ${ix.spec}`);
  if (o.options) lines.push(`-- with (${o.options})`);
  if (o.populate === 'after-migrate') lines.push('-- populate: after migrate');
  return `${lines.join('\n')}\n\n${o.query.trim()}\n`;
}

/** SQL string literal. */
export function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The comment of an incremental table's query view; `parseQueryViewComment` reads it back. */
export function queryViewComment(table: string, key: string): string {
  return `Declared query of the incremental table ${table} (key ${key}); the refresher fills ${table} from it. Read ${table}, not this view.`;
}

/** `{ table, key }` from a query view's comment, or null when it is not one. */
export function parseQueryViewComment(comment: string | null): { table: string; key: string } | null {
  const m = /^Declared query of the incremental table (\S+) \(key ([a-z_][a-z0-9_]*)\)/.exec(comment ?? '');
  return m ? { table: m[1]!, key: m[2]! } : null;
}

/**
 * The relations the database holds for the catalog: each entry as it is, except an incremental
 * one, which becomes its query view (`<name>__query`, the declared query) and the table (created
 * from that view, with the entry's indexes and comment).
 */
export function expandCatalog(catalog: readonly CatalogObject[]): CatalogObject[] {
  return catalog.flatMap((o) => {
    if (o.kind !== 'table' || !o.incremental) return [o];
    const view = `${o.name}${QUERY_VIEW_SUFFIX}`;
    return [
      {
        ...o,
        name: view,
        relname: `${o.relname}${QUERY_VIEW_SUFFIX}`,
        kind: 'view' as const,
        indexes: [],
        comment: queryViewComment(o.name, o.incremental.key),
        incremental: null,
      },
      { ...o, query: `SELECT * FROM ${view}` },
    ];
  });
}

/** The statements that create an object from its (expanded) catalog entry (no comment, no grants). */
export function createStatements(o: CatalogObject, withData: boolean): string[] {
  const opts = o.options ? ` WITH (${o.options})` : '';
  const out: string[] = [];
  if (o.kind === 'view') out.push(`CREATE VIEW ${o.name}${opts} AS\n${o.query};`);
  else if (o.kind === 'table')
    out.push(`CREATE TABLE ${o.name} AS\n${o.query}\n${withData ? 'WITH DATA' : 'WITH NO DATA'};`);
  else
    out.push(`CREATE MATERIALIZED VIEW ${o.name}${opts} AS\n${o.query}\n${withData ? 'WITH DATA' : 'WITH NO DATA'};`);
  for (const ix of o.indexes) out.push(`CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${ix.name} ON ${o.name} ${ix.spec};`);
  return out;
}

export function commentStatement(kind: CatalogKind, name: string, comment: string | null): string {
  return `COMMENT ON ${kindWord(kind)} ${name} IS ${comment == null ? 'NULL' : literal(comment)};`;
}

/** `MATERIALIZED VIEW`, `VIEW` or `TABLE`, for DDL. */
export function kindWord(kind: CatalogKind): string {
  return kind === 'matview' ? 'MATERIALIZED VIEW' : kind === 'table' ? 'TABLE' : 'VIEW';
}
