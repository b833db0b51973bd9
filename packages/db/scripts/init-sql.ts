#!/usr/bin/env tsx
/**
 * Print the SQL Prisma's schema engine generates for prisma/schema.prisma, diffed from an empty
 * database (the body of migration 20251201000000_init after its CREATE SCHEMA lines).
 * Uses the WASM build of the schema engine. Its constructor connects (to read the server version)
 * although `diff` from `empty` to a datamodel reads nothing from the database, so a throw-away
 * embedded server is started for the call.
 *
 *   pnpm --filter @warehouse/db exec tsx scripts/init-sql.ts > /tmp/init.sql
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { startTestServer } from '../src/testing/index.ts';
import { PgEngineAdapterFactory } from '../src/engine/pg-adapter.ts';
import { catalogFilter } from '../src/engine/workflow.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const schemaPath = path.resolve(here, '../prisma/schema.prisma');

type Engine = {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
};

type EngineModule = { SchemaEngine: { new: (o: unknown, cb: unknown, a: unknown) => Promise<Engine> } };
let engineModule: Promise<EngineModule> | undefined;

/**
 * Load `@prisma/schema-engine-wasm` in ESM (Node 20 cannot import .wasm): instantiate it ourselves,
 * once per process: the JS glue module holds a single wasm instance, and a second
 * `__wbg_set_wasm` would pull the memory from under engines created earlier.
 */
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= instantiateEngineModule();
  return engineModule;
}

async function instantiateEngineModule(): Promise<EngineModule> {
  const require = createRequire(import.meta.url);
  const bgFile = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const bg = await import(pathToFileURL(bgFile).href);
  const bytes = await readFile(path.join(path.dirname(bgFile), 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  return bg;
}

/**
 * The stock adapter cannot describe PostgreSQL's `"char"` (OID 18, e.g. pg_class.relkind), which
 * every introspection reads; node-pg already returns it as a string, so report it as text.
 * (Pitfall 1 in docs/prisma-engine.md; only needed when diffing a live database.)
 */
/** The engine's `diff` as a script, with an engine connected to `url` through node-pg. */
export async function engineDiffSql(
  from: unknown,
  to: unknown,
  schema: string,
  url: string,
  schemaFile = schemaPath,
): Promise<string> {
  const { SchemaEngine } = await loadEngineModule();
  // The engine's own adapter fixes: reading "char" as Character (a CHECK constraint's contype
  // made a char→text patch panic the describer), shadow databases, the pool's lifetime.
  const factory = new PgEngineAdapterFactory({ url });
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await SchemaEngine.new({ datamodels: [[schemaFile, schema]] }, () => {}, adapter);
  try {
    const result = await engine.diff({
      from,
      to,
      script: true,
      exitCode: null,
      // The catalog's incremental tables are created by the catalog, not by schema.prisma.
      filters: catalogFilter(),
    });
    return result.stdout ?? '';
  } finally {
    engine.free();
    await factory.close();
  }
}

/** SQL that creates every table of `schema` (Prisma datamodel text) on an empty database. */
export async function engineInitSql(schema: string, url: string, schemaFile = schemaPath): Promise<string> {
  return engineDiffSql(
    { tag: 'empty' },
    { tag: 'schemaDatamodel', files: [{ path: schemaFile, content: schema }] },
    schema,
    url,
    schemaFile,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = await startTestServer();
  try {
    process.stdout.write(await engineInitSql(await readFile(schemaPath, 'utf8'), server.adminUrl));
  } finally {
    await server.stop();
  }
}
