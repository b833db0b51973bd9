import { readFile } from 'node:fs/promises';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type * as Wasm from '@prisma/schema-engine-wasm';
import { withClient, withDatabase, databaseOf, ident } from '@warehouse/db/pg';
import { isNativeEngine, NativeEngineClient, EngineRpcError } from './native.ts';
import { PgEngineAdapterFactory } from './pg-adapter.ts';
import { loadWasmEngine } from './wasm.ts';
import { refuseTransactionControl } from './tx-guard.ts';

export type {
  DiffParams,
  DiffResult,
  DiffTarget,
  MigrationList,
  SchemaFilter,
  DiagnoseMigrationHistoryOutput,
  CreateMigrationOutput,
  ApplyMigrationsOutput,
  DevDiagnosticOutput,
} from '@prisma/schema-engine-wasm';

export interface OpenEngineOptions {
  /** The database the engine works on (status, apply, resolve). Shadow databases go on its server. */
  url: string;
  /** Server for throw-away shadow databases, when not the server of `url`. */
  shadowDatabaseUrl?: string;
  /** WASM engine: name prefix of the throw-away shadow databases (default `prisma_migrate_shadow_db_`). */
  shadowDatabasePrefix?: string;
  /** Prisma schema files (paths) the engine may need (`--datamodels` / constructor datamodels). */
  schemaFiles?: string[];
  /** `auto` (default): the native binary when one is configured and real, else WASM. */
  engine?: 'auto' | 'native' | 'wasm';
  /** Environment to read PRISMA_SCHEMA_ENGINE_BINARY from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Engine log lines (WASM tracing / native stderr). */
  log?: (line: string) => void;
}

/**
 * Prisma's schema engine, native or WASM behind one API. Method names and parameters are those
 * of the engine's JSON-RPC API (see `@prisma/schema-engine-wasm`'s `SchemaEngine`).
 */
export interface SchemaEngine {
  readonly kind: 'native' | 'wasm';
  /** `diff`; with `script: true` the SQL is in `stdout` (the native engine prints it instead). */
  diff(params: Wasm.DiffParams): Promise<Wasm.DiffResult>;
  diagnoseMigrationHistory(input: Wasm.DiagnoseMigrationHistoryInput): Promise<Wasm.DiagnoseMigrationHistoryOutput>;
  devDiagnostic(input: Wasm.DevDiagnosticInput): Promise<Wasm.DevDiagnosticOutput>;
  createMigration(input: Wasm.CreateMigrationInput): Promise<Wasm.CreateMigrationOutput>;
  applyMigrations(input: Wasm.ApplyMigrationsInput): Promise<Wasm.ApplyMigrationsOutput>;
  markMigrationApplied(input: Wasm.MarkMigrationAppliedInput): Promise<Wasm.MarkMigrationAppliedOutput>;
  markMigrationRolledBack(input: Wasm.MarkMigrationRolledBackInput): Promise<Wasm.MarkMigrationRolledBackOutput>;
  /** Any other engine method by name (what the stand-in forwards). */
  call(method: string, params: unknown): Promise<unknown>;
  /** Free the engine, end its pools (releasing advisory locks) and drop leftover shadow databases. */
  close(): Promise<void>;
}

/** Methods of the JSON-RPC API that the WASM `SchemaEngine` implements under the same name. */
const WASM_METHODS = new Set([
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'diff',
  'ensureConnectionValidity',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'reset',
  'schemaPush',
  'debugPanic',
]);

/**
 * Open Prisma's schema engine: the native binary when PRISMA_SCHEMA_ENGINE_BINARY points at a real
 * one, otherwise the WASM build driven through `@prisma/adapter-pg` (with fixes, see pg-adapter.ts).
 * Always `close()` it.
 *
 * @example
 * const engine = await openSchemaEngine({ url });
 * try { const { stdout } = await engine.diff({ from, to, script: true, exitCode: null, filters }); }
 * finally { await engine.close(); }
 */
export async function openSchemaEngine(options: OpenEngineOptions): Promise<SchemaEngine> {
  const env = options.env ?? process.env;
  const binary = env.PRISMA_SCHEMA_ENGINE_BINARY;
  const kind = options.engine ?? 'auto';
  if (kind === 'native' || (kind === 'auto' && binary && isNativeEngine(binary))) {
    if (!binary || !isNativeEngine(binary)) {
      throw new EngineRpcError(
        `PRISMA_SCHEMA_ENGINE_BINARY=${binary ?? '(unset)'} is not Prisma's native schema engine; point it at schema-engine-<platform> or use the WASM engine (engine: 'auto')`,
      );
    }
    return openNative(binary, options);
  }
  return openWasm(options);
}

function openNative(binary: string, options: OpenEngineOptions): SchemaEngine {
  const client = new NativeEngineClient({
    binary,
    datasource: {
      url: options.url,
      ...(options.shadowDatabaseUrl ? { shadowDatabaseUrl: options.shadowDatabaseUrl } : {}),
    },
    datamodels: options.schemaFiles,
  });
  const call = async (method: string, params: unknown) => {
    await refuseTransactionControl(method, params);
    return client.call(method, params);
  };
  return {
    kind: 'native',
    async diff(params) {
      const result = (await call('diff', params)) as Wasm.DiffResult;
      const printed = client.takePrinted();
      return { ...result, stdout: result.stdout ?? (printed ? printed + '\n' : printed) };
    },
    ...typedMethods(call),
    close: () => client.close(),
  };
}

async function openWasm(options: OpenEngineOptions): Promise<SchemaEngine> {
  const wasm = await loadWasmEngine();
  const factory = new PgEngineAdapterFactory({
    url: options.url,
    shadowServerUrl: options.shadowDatabaseUrl,
    shadowPrefix: options.shadowDatabasePrefix,
  });
  const datamodels: [string, string][] = [];
  for (const file of options.schemaFiles ?? []) datamodels.push([file, await readFile(file, 'utf8')]);
  const log = options.log ?? (() => {});
  const engine = await wasm.SchemaEngine.new(
    { datamodels: datamodels.length ? datamodels : undefined },
    (line: string) => log(line),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  const methods = engine as unknown as Record<string, (params: unknown) => Promise<unknown>>;

  const call = async (method: string, params: unknown): Promise<unknown> => {
    await refuseTransactionControl(method, params);
    if (WASM_METHODS.has(method)) return wasmCall(() => methods[method]!.call(engine, params));
    switch (method) {
      case 'getDatabaseVersion':
      case 'version':
        return engine.version();
      case 'createDatabase':
        return { databaseName: await createDatabase(urlOfDatasource(params) ?? options.url) };
      default:
        throw new EngineRpcError(`the WASM schema engine has no method ${method}; use Prisma's native engine for it`);
    }
  };
  let closed = false;
  return {
    kind: 'wasm',
    diff: (p) => call('diff', p) as Promise<Wasm.DiffResult>,
    ...typedMethods(call),
    async close() {
      if (closed) return;
      closed = true;
      try {
        engine.free();
      } finally {
        await factory.close();
      }
    },
  };
}

/** The engine methods this code uses, typed, over one `call(method, params)`. */
function typedMethods(call: (method: string, params: unknown) => Promise<unknown>) {
  return {
    diagnoseMigrationHistory: (i: unknown) =>
      call('diagnoseMigrationHistory', i) as Promise<Wasm.DiagnoseMigrationHistoryOutput>,
    devDiagnostic: (i: unknown) => call('devDiagnostic', i) as Promise<Wasm.DevDiagnosticOutput>,
    createMigration: (i: unknown) => call('createMigration', i) as Promise<Wasm.CreateMigrationOutput>,
    applyMigrations: (i: unknown) => call('applyMigrations', i) as Promise<Wasm.ApplyMigrationsOutput>,
    markMigrationApplied: (i: unknown) => call('markMigrationApplied', i) as Promise<Wasm.MarkMigrationAppliedOutput>,
    markMigrationRolledBack: (i: unknown) =>
      call('markMigrationRolledBack', i) as Promise<Wasm.MarkMigrationRolledBackOutput>,
    call,
  };
}

/** Errors from the WASM engine arrive as strings or JSON-ish objects; make them Errors with a message. */
async function wasmCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof Error) throw error;
    const e = error as { message?: string; error_code?: string; meta?: unknown } | string;
    if (typeof e === 'string') throw new EngineRpcError(e);
    throw new EngineRpcError(e.message ?? JSON.stringify(e), e.error_code);
  }
}

function urlOfDatasource(params: unknown): string | undefined {
  const ds = (params as { datasource?: { tag?: string; url?: string } } | undefined)?.datasource;
  return ds?.tag === 'ConnectionString' ? ds.url : undefined;
}

/** CREATE DATABASE for the database a URL names, connecting to `postgres` on the same server. */
export async function createDatabase(url: string): Promise<string> {
  const name = databaseOf(url);
  await withClient(withDatabase(url, 'postgres'), (c) => c.query(`CREATE DATABASE ${ident(name)}`));
  return name;
}
