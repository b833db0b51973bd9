import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';
import { readCatalog } from './src/views/files.ts';

// Prisma's native schema engine cannot be downloaded here (npm registry only). Unless the caller
// points PRISMA_SCHEMA_ENGINE_BINARY at a real engine, every `prisma` command run with this config
// uses packages/migrate/bin/schema-engine, the WASM stand-in (docs/prisma-engine.md).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'migrate',
  'bin',
  'schema-engine',
);

// `prisma generate` needs no database; the default URL only keeps the config valid without one.
// Commands that do connect read DATABASE_URL RAW: this is the one place outside the toolkit's rule
// (resolveDatabase in @warehouse/env: libpq's reading of the URL and the PG* variables). Prisma's
// CLI wants the string here, and @warehouse/db may not import @warehouse/env (env depends on db).
// Nothing of ours reads this datasource: `prisma db seed` (../demo/scripts/prisma-seed.ts) reads
// DATABASE_URL through resolveDatabase itself, `pnpm start` and `pnpm db:*` resolve their own
// URL. Only Prisma's own commands (migrate status/diff/resolve/deploy, db push/execute, through
// the stand-in engine) connect with it, as node-pg reads it (docs/design.md, Environments).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  // `prisma db seed`: the reference data, through the same seedReference as `pnpm db:seed`.
  migrations: { path: 'prisma/migrations', seed: 'tsx ../demo/scripts/prisma-seed.ts' },
  // Incremental objects of the view catalog are tables the catalog creates, not schema.prisma.
  experimental: { externalTables: true },
  tables: {
    external: readCatalog()
      .filter((o) => o.kind === 'table')
      .map((o) => o.name),
  },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@localhost:5432/warehouse' },
});
