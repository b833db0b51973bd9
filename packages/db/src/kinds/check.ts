import type pg from 'pg';
import { FLAVOURS, rawTable, stgColumnType, stgTable, type KindSpec } from './index.ts';

/** Columns every raw table has besides the CSV's own (all text). */
export const RAW_META_COLUMNS = ['upload_file_id', 'source_line'] as const;
/** Columns every stg table has besides the CSV's own. */
export const STG_META_COLUMNS = ['upload_file_id', 'source_line', 'created_at'] as const;

/**
 * What a database lacks for the CSV-kind contract: for each kind, `raw.shogun_<kind>` with one
 * text column per CSV column, and `stg.shogun_<flavour>_<kind>` per flavour with each column in
 * its contract type. Returns one sentence per problem (empty when the schema fits); a migrated
 * database is what schema.prisma says, so this ties schema.prisma to the contract.
 */
export async function contractProblems(
  client: pg.ClientBase,
  kinds: Readonly<Record<string, KindSpec>>,
): Promise<string[]> {
  const { rows } = await client.query<{ tbl: string; column_name: string; type: string }>(
    `select n.nspname || '.' || c.relname as tbl, a.attname as column_name, format_type(a.atttypid, a.atttypmod) as type
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('raw', 'stg') and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped`,
  );
  const tables = new Map<string, Map<string, string>>();
  for (const r of rows) {
    if (!tables.has(r.tbl)) tables.set(r.tbl, new Map());
    tables.get(r.tbl)!.set(r.column_name, r.type.replace(/, /g, ','));
  }
  const problems: string[] = [];
  const fix =
    'add the model to packages/db/prisma/schema.prisma and create its migration (docs/design.md, "Adding a CSV kind")';
  const check = (table: string, want: [string, string][]) => {
    const have = tables.get(table);
    if (!have) {
      problems.push(`${table} does not exist; ${fix}`);
      return;
    }
    for (const [column, type] of want) {
      const got = have.get(column);
      if (got === undefined) problems.push(`${table}.${column} does not exist; ${fix}`);
      else if (got !== type)
        problems.push(`${table}.${column} is ${got}, the contract says ${type}; change schema.prisma and migrate`);
    }
  };
  for (const [kind, spec] of Object.entries(kinds)) {
    check(rawTable(kind), [
      ...spec.columns.map((c): [string, string] => [c.column, 'text']),
      ['upload_file_id', 'bigint'],
      ['source_line', 'integer'],
    ]);
    for (const flavour of FLAVOURS) {
      check(stgTable(kind, flavour), [
        ...spec.columns.map((c): [string, string] => [c.column, stgColumnType(c)]),
        ['upload_file_id', 'bigint'],
        ['source_line', 'integer'],
      ]);
    }
  }
  return problems;
}
