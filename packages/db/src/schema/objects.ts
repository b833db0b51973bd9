import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CATALOG_DIR, expandCatalog, readCatalog } from '../views/files.ts';
import { DOMAIN_SCHEMAS } from './schemas.ts';

export { DOMAIN_SCHEMAS };

/**
 * Every relation the migration history leaves in the domain schemas at head, with its kind —
 * derived, not kept by hand: the tables are the `model` blocks of prisma/schema.prisma, the views
 * and MVs are the files of the view catalog (prisma/views/<schema>/<name>.sql; an incremental one is
 * a table and its `<name>__query` view). `pnpm db:check`
 * verifies that the migrations produce exactly these (test/migrations.test.ts deploys from empty).
 *
 * @example
 *   const views = DOMAIN_OBJECTS.filter((o) => o.kind === 'matview').map((o) => o.name);
 */
export type DomainObjectKind = 'table' | 'view' | 'matview';

export interface DomainObject {
  /** Schema-qualified name, e.g. `mart.mv_receive_daily`. */
  name: string;
  kind: DomainObjectKind;
}

const SCHEMA_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prisma/schema.prisma');

/** The tables of a Prisma schema: each `model` block's `@@schema` . `@@map` (or the model name). */
export function prismaTables(schemaText: string): DomainObject[] {
  const out: DomainObject[] = [];
  for (const m of schemaText.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const body = m[2]!;
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? m[1]!;
    const schema = /@@schema\("([^"]+)"\)/.exec(body)?.[1] ?? 'public';
    out.push({ name: `${schema}.${table}`, kind: 'table' });
  }
  return out;
}

export const DOMAIN_OBJECTS: readonly DomainObject[] = [
  ...prismaTables(readFileSync(SCHEMA_PATH, 'utf8')),
  ...expandCatalog(readCatalog(DEFAULT_CATALOG_DIR)).map((o): DomainObject => ({ name: o.name, kind: o.kind })),
];

/** Objects the history once created and later dropped: they must not exist at head. */
export const RETIRED_OBJECTS: readonly DomainObject[] = [
  { name: 'mart.v_receive_daily', kind: 'view' },
  { name: 'mart.v_sales_tree_daily', kind: 'view' },
  { name: 'mart.mv_sales_tree_daily', kind: 'matview' },
];

/** `pg_class.relkind` for each kind (`r` table, `v` view, `m` materialized view). */
export const RELKIND: Record<DomainObjectKind, string> = { table: 'r', view: 'v', matview: 'm' };
