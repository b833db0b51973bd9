import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { DbError } from '@warehouse/db';
import { DEFAULT_MIGRATIONS_DIR } from '../files.ts';
import { migrate } from '../migrate.ts';
import { ident, withClient, withDatabase } from '@warehouse/db/pg';
import { DOMAIN_SCHEMAS } from '@warehouse/db/schema/schemas';
import {
  commentStatement,
  createStatements,
  DEFAULT_CATALOG_DIR,
  expandCatalog,
  kindWord,
  readCatalog,
  type CatalogObject,
} from '@warehouse/db/views';
import { planTransition, type RebuildMode, type TargetDefinition, type TransitionPlan } from './plan.ts';
import { queryRefs, shadowCreateStatements, shadowQuery, type QueryRef } from './swap.ts';
import { alteredRelations, queryReferences, refuseIncrementalOverMvs, topoOrder } from './refs.ts';
import { readState, type DbObject, type DbState } from './state.ts';

export interface CatalogPlanOptions {
  /** A database on the server where the throw-away shadow database is created. */
  url: string;
  /** Migrations folder (default packages/db/prisma/migrations). */
  dir?: string;
  /** Catalog folder (default packages/db/prisma/views). */
  catalogDir?: string;
  /** Table SQL from schema.prisma (run between the drops and the creates), '' for none. */
  tableSql?: string;
  /** The reverse of `tableSql`, for down.sql. */
  downTableSql?: string;
  /**
   * How the migration rebuilds what changes (default `swap`: expand/fill/swap, DDL only; a change
   * with schema.prisma table SQL is always `in-transaction`). down.sql is always in-transaction.
   */
  rebuild?: RebuildMode;
}

export interface CatalogPlan {
  /** Migration that takes the migrations' head to the catalog. */
  up: TransitionPlan;
  /** Its down.sql: back to the head. */
  down: TransitionPlan;
  /** The database at head and with the catalog applied (normalised definitions, columns). */
  head: DbState;
  target: DbState;
  catalog: CatalogObject[];
}

function definitionFromCatalog(o: CatalogObject, reads: string[], refs: QueryRef[]): TargetDefinition {
  const [create, ...indexSql] = createStatements(o, true);
  return {
    shadow: (shadowed) => shadowCreateStatements(o, shadowQuery(o.query, refs, shadowed)),
    name: o.name,
    kind: o.kind,
    create: (withData) => (withData ? create! : createStatements(o, false)[0]!),
    indexes: o.indexes.map((ix, i) => ({ name: ix.name, sql: indexSql[i]! })),
    comment: o.comment,
    afterMigrate: o.populate === 'after-migrate',
    reads,
  };
}

function definitionFromDb(o: DbObject): TargetDefinition {
  const opts = o.options.length ? ` WITH (${o.options.join(', ')})` : '';
  const query = o.kind === 'table' ? `SELECT * FROM ${o.reads[0]}` : o.def.replace(/;\s*$/, '');
  const data = (withData: boolean) => (withData ? 'WITH DATA' : 'WITH NO DATA');
  return {
    name: o.name,
    kind: o.kind,
    create: (withData) =>
      o.kind === 'view'
        ? `CREATE VIEW ${o.name}${opts} AS\n${query};`
        : o.kind === 'table'
          ? `CREATE TABLE ${o.name} AS\n${query}\n${data(withData)};`
          : `CREATE MATERIALIZED VIEW ${o.name}${opts} AS\n${query}\n${data(withData)};`,
    indexes: o.indexes.map((i) => ({ name: i.name, sql: `${i.def};` })),
    comment: o.comment,
    afterMigrate: o.kind === 'matview' && !o.populated,
    reads: o.reads,
  };
}

/** Create a throw-away database on the server of `url`, run `fn`, always drop it. */
export async function withShadowDatabase<T>(url: string, fn: (shadowUrl: string) => Promise<T>): Promise<T> {
  const name = `catalog_shadow_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(url, (c) => c.query(`CREATE DATABASE ${ident(name)}`));
  try {
    return await fn(withDatabase(url, name));
  } finally {
    await withClient(url, (c) => c.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`)).catch(() => {});
  }
}

/** Schemas the catalog manages: the domain schemas and every schema folder of the catalog. */
export function managedSchemas(catalog: CatalogObject[]): string[] {
  return [...new Set<string>([...DOMAIN_SCHEMAS, ...catalog.map((o) => o.schema)])].sort();
}

/**
 * Replay the migrations in a throw-away database, read the views/MVs at head, apply the catalog
 * (in a transaction that is rolled back) to learn PostgreSQL's normalised form of every
 * definition, and plan the up and down migrations between the two.
 *
 * Throws E_CATALOG for a catalog file that is wrong (naming the file and PostgreSQL's error) and
 * E_CATALOG_IN_USE when an object removed from the catalog is still read by others.
 *
 * @example
 * const { up } = await planCatalog({ url });
 * if (up.sql) console.log(up.changes);
 */
export async function planCatalog(options: CatalogPlanOptions): Promise<CatalogPlan> {
  const dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
  // An incremental entry is two relations: its query view and the table filled from it.
  const declared = readCatalog(options.catalogDir ?? DEFAULT_CATALOG_DIR);
  // Refuses an incremental query that cannot be restricted to some keys (window functions).
  for (const o of declared) if (o.incremental) await queryReferences(o);
  const catalog = expandCatalog(declared);
  const reads = new Map<string, string[]>();
  const refs = new Map<string, QueryRef[]>();
  for (const o of catalog) {
    reads.set(o.name, await queryReferences(o));
    refs.set(o.name, await queryRefs(o));
  }
  refuseIncrementalOverMvs(catalog, reads);
  const byName = new Map(catalog.map((o) => [o.name, o]));
  const order = topoOrder(byName.keys(), (n) => reads.get(n) ?? []);
  const schemas = managedSchemas(catalog);
  const tableSql = options.tableSql ?? '';
  const altered = await alteredRelations(tableSql);

  return withShadowDatabase(options.url, async (shadowUrl) => {
    const run = await migrate({ url: shadowUrl, dir, applicationName: 'warehouse-catalog-shadow' });
    if (run.failed) {
      throw new DbError(
        'E_MIGRATION_FAILED',
        `replaying the migrations in a shadow database failed at ${run.failed.name}: ${run.failed.error.message}`,
        { cause: run.failed.error },
      );
    }
    return withClient(shadowUrl, async (client) => {
      const head = await readState(client, schemas);
      // Removing an object that others still read is a mistake to name, not a CASCADE to run.
      for (const gone of [...head.objects.keys()].filter((n) => !byName.has(n))) {
        const users = catalog.filter((o) => reads.get(o.name)!.includes(gone));
        if (users.length) {
          throw new DbError(
            'E_CATALOG_IN_USE',
            `${gone} is no longer in the catalog but ${users.map((u) => `${u.name} (${u.file})`).join(', ')} still read${users.length === 1 ? 's' : ''} it; change ${users.length === 1 ? 'that query' : 'those queries'} first (or keep ${gone})`,
          );
        }
      }
      const target = await applyCatalog(client, head, catalog, order, tableSql, schemas);
      const upDefs = new Map(
        catalog.map((o) => [o.name, definitionFromCatalog(o, reads.get(o.name)!, refs.get(o.name)!)]),
      );
      const up = planTransition({
        from: head,
        to: target,
        defs: upDefs,
        tableSql,
        alteredTables: altered,
        swap: (options.rebuild ?? 'swap') === 'swap',
      });
      const downDefs = new Map([...head.objects.values()].map((o) => [o.name, definitionFromDb(o)]));
      const down = planTransition({
        from: target,
        to: head,
        defs: downDefs,
        tableSql: options.downTableSql ?? '',
        alteredTables: await alteredRelations(options.downTableSql ?? ''),
      });
      return { up, down, head, target, catalog };
    });
  });
}

/** Drop every view/MV at head, run the table SQL, create the catalog; read the result; roll back. */
async function applyCatalog(
  client: pg.Client,
  head: DbState,
  catalog: CatalogObject[],
  order: string[],
  tableSql: string,
  schemas: string[],
): Promise<DbState> {
  const byName = new Map(catalog.map((o) => [o.name, o]));
  await client.query('BEGIN');
  try {
    const drops = topoOrder(head.objects.keys(), (n) => head.objects.get(n)!.reads).reverse();
    for (const n of drops) await client.query(`DROP ${kindWord(head.objects.get(n)!.kind)} ${n}`);
    if (tableSql.trim()) {
      try {
        await client.query(tableSql);
      } catch (error) {
        throw new DbError('E_CATALOG', `the schema.prisma change does not apply at head: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    for (const n of order) {
      const o = byName.get(n)!;
      for (const stmt of [...createStatements(o, false), commentStatement(o.kind, o.name, o.comment)]) {
        try {
          await client.query(stmt);
        } catch (error) {
          throw new DbError(
            'E_CATALOG',
            `${o.file}: PostgreSQL refuses it: ${(error as Error).message}\n  in: ${stmt.split('\n')[0]}`,
            { cause: error },
          );
        }
      }
    }
    for (const o of catalog) {
      if (o.kind !== 'table' || !o.incremental) continue;
      const cols = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped`,
        [o.name, o.incremental.key],
      );
      if (cols.rows[0]!.n === 0)
        throw new DbError(
          'E_CATALOG',
          `${o.file}: incremental by ${o.incremental.key}, but the query has no column ${o.incremental.key}; name one of its output columns`,
        );
    }
    const state = await readState(client, schemas);
    // WITH NO DATA here only to be fast; what counts is the catalog's populate option.
    for (const o of state.objects.values()) o.populated = byName.get(o.name)?.populate !== 'after-migrate';
    return state;
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }
}
