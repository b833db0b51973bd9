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
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DiffTarget } from '@prisma/schema-engine-wasm';
import { startTestServer } from '../src/testing/index.ts';
import { PgEngineAdapterFactory } from '../src/engine/pg-adapter.ts';
import { catalogFilter } from '../src/engine/workflow.ts';
import { loadWasmEngine } from '../src/engine/wasm.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const schemaPath = path.resolve(here, '../../db/prisma/schema.prisma');

/** The engine's `diff` as a script, with an engine connected to `url` through node-pg. */
export async function engineDiffSql(
  from: DiffTarget,
  to: DiffTarget,
  schema: string,
  url: string,
  schemaFile = schemaPath,
): Promise<string> {
  // The process's one engine instance (see loadWasmEngine: a second one breaks the first).
  const { SchemaEngine } = await loadWasmEngine();
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
