import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import type pg from 'pg';
import { ident, withClient, withDatabase } from '@warehouse/db/pg';
import { parseHeaders } from '../files.ts';
import { splitStatements } from '../split.ts';
import { finishPendingSwaps } from '../swap.ts';
import { SWAP_TABLE } from '../catalog/swap.ts';

/** PostgreSQL's internal one-byte type `"char"` (pg_class.relkind, pg_constraint.contype, …). */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
const SHADOW_PREFIX = 'prisma_migrate_shadow_db_';

export interface PgEngineAdapterOptions {
  /** Database the engine works on (migrate, status, introspection). */
  url: string;
  /**
   * Server on which throw-away shadow databases are created (its database part is ignored).
   * Default: the server of `url`.
   */
  shadowServerUrl?: string;
  /** Name prefix of throw-away shadow databases (default `prisma_migrate_shadow_db_`, as Prisma's). */
  shadowPrefix?: string;
}

/**
 * `@prisma/adapter-pg` 7.10 made fit for the schema engine. Each override below works around one
 * defect of the stock adapter (docs/prisma-engine.md, "Pitfalls", numbered as there); delete it
 * when the adapter fixes the defect.
 */
export class PgEngineAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';
  private readonly shadows = new Set<string>();
  private readonly adapters = new Set<SqlDriverAdapter>();

  constructor(private readonly options: PgEngineAdapterOptions) {}

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = fixAdapter(await new PrismaPg({ connectionString: this.options.url }).connect());
    // The engine never disposes its main adapter; close() ends the pool, which also releases the
    // advisory lock applyMigrations takes and never unlocks (pitfall 5 in docs/prisma-engine.md).
    this.adapters.add(adapter);
    return adapter;
  }

  /** End every pool this factory opened and drop shadow databases the engine left behind. */
  async close(): Promise<void> {
    for (const adapter of [...this.adapters]) {
      this.adapters.delete(adapter);
      await adapter.dispose().catch(() => {});
    }
    await this.dropShadowDatabases();
  }

  /**
   * DEFECT (adapter-pg 7.10 `connectToShadowDb`): with a `connectionString` config the
   * `{ ...config, database }` pool still connects to the main database (pg lets the connection
   * string win), and `dispose` drops the shadow database *before* ending its own pool, so the DROP
   * fails ("being accessed by other users") and shadow databases pile up. Here the shadow URL names
   * the database itself, the pool is ended first, and the DROP uses WITH (FORCE).
   */
  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const serverUrl = this.options.shadowServerUrl ?? this.options.url;
    const name = `${this.options.shadowPrefix ?? SHADOW_PREFIX}${randomUUID().replace(/-/g, '')}`;
    await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${ident(name)}`));
    this.shadows.add(name);
    let adapter: SqlDriverAdapter;
    try {
      adapter = fixAdapter(await new PrismaPg({ connectionString: withDatabase(serverUrl, name) }).connect());
    } catch (error) {
      await this.dropShadow(name);
      throw error;
    }
    const endPool = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      try {
        await endPool();
      } finally {
        await this.dropShadow(name);
      }
    };
    return adapter;
  }

  /** Drop every shadow database this factory created and the engine did not dispose (e.g. after an error). */
  async dropShadowDatabases(): Promise<void> {
    for (const name of [...this.shadows]) await this.dropShadow(name);
  }

  private async dropShadow(name: string): Promise<void> {
    const serverUrl = this.options.shadowServerUrl ?? this.options.url;
    await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`));
    this.shadows.delete(name);
  }
}

/** The shadow-database name prefix, so tests and operators can find leftovers. */
export const SHADOW_DATABASE_PREFIX = SHADOW_PREFIX;

interface PgAdapterInternals {
  performIO(query: SqlQuery): Promise<pg.QueryArrayResult>;
  queryRaw(query: SqlQuery): Promise<SqlResultSet>;
  underlyingDriver(): pg.Pool;
}

function fixAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const internals = adapter as unknown as PgAdapterInternals;
  if (typeof internals.performIO !== 'function' || typeof internals.underlyingDriver !== 'function') {
    throw new Error(
      '@prisma/adapter-pg changed its internals (performIO/underlyingDriver are gone); ' +
        'check whether its "char" and executeScript defects are fixed and update packages/migrate/src/engine/pg-adapter.ts',
    );
  }
  const performIO = internals.performIO.bind(adapter);
  // Unbound on purpose: it is called with `.call(view, …)` below, so it reads the per-call view's performIO.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const queryRaw = internals.queryRaw;

  /*
   * DEFECT (adapter-pg 7.10 `fieldToColumnType`): OID 18 (`"char"`) is not mapped, so every
   * introspecting call (diff, createMigration, devDiagnostic) fails with "Column type 'char' could
   * not be deserialized". We run the query, report those columns as TEXT to the stock mapping, and
   * then tell the engine they are ColumnTypeEnum.Character, which is what it expects for "char".
   * A per-call view object keeps concurrent queries apart.
   */
  adapter.queryRaw = async (query: SqlQuery) => {
    const result = await performIO(query);
    const charColumns: number[] = [];
    result.fields.forEach((field, i) => {
      if (field.dataTypeID === PG_CHAR_OID) {
        charColumns.push(i);
        field.dataTypeID = PG_TEXT_OID;
      }
    });
    const view = Object.create(adapter, { performIO: { value: async () => result } });
    const set: SqlResultSet = await queryRaw.call(view, query);
    for (const i of charColumns) set.columnTypes[i] = ColumnTypeEnum.Character;
    return set;
  };

  /*
   * DEFECT (adapter-pg 7.10 `executeScript`): the script is split on every `;` and each piece runs
   * in autocommit, so a migration failing half-way stays half-applied and `$$` bodies (functions,
   * DO blocks) are cut apart. We send the whole script as one simple-protocol query, which
   * PostgreSQL runs as one implicit transaction. A script headed `-- migrate:no-transaction`
   * (CREATE INDEX CONCURRENTLY, which refuses a transaction block) runs statement by statement,
   * split by a splitter that understands quotes, dollar quotes and comments.
   */
  adapter.executeScript = async (script: string) => {
    const pool = internals.underlyingDriver();
    try {
      if (parseHeaders(script).noTransaction) {
        for (const statement of await splitStatements(script)) await pool.query(statement.text);
      } else {
        await pool.query(script);
      }
      // A view migration made by expand/fill/swap only creates the new versions: fill and swap them
      // now, as the toolkit's runner would, so the next script finds them in place.
      if (script.includes(SWAP_TABLE)) {
        const client = await pool.connect();
        try {
          await finishPendingSwaps(client);
        } finally {
          client.release();
        }
      }
    } catch (error) {
      throw toDriverAdapterError(error);
    }
  };
  return adapter;
}

function toDriverAdapterError(error: unknown): Error {
  const e = error as {
    code?: unknown;
    message?: unknown;
    severity?: unknown;
    detail?: unknown;
    hint?: unknown;
    column?: unknown;
  };
  if (typeof e.code === 'string' && typeof e.severity === 'string') {
    return new DriverAdapterError({
      kind: 'postgres',
      code: e.code,
      severity: e.severity,
      message: String(e.message),
      detail: typeof e.detail === 'string' ? e.detail : undefined,
      column: typeof e.column === 'string' ? e.column : undefined,
      hint: typeof e.hint === 'string' ? e.hint : undefined,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}
