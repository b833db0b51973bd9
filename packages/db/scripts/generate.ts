#!/usr/bin/env tsx
/**
 * `prisma generate` that works offline (packages/db `postinstall` and `build`).
 *
 * The Prisma CLI insists that a native schema engine exists before it generates, and tries to
 * download one from Prisma's binary host when it does not, which fails on machines that reach
 * only the npm registry. When PRISMA_SCHEMA_ENGINE_BINARY is unset it is pointed at packages/migrate/bin/schema-engine,
 * our stand-in for the native engine (WASM engine behind the same interface; see
 * docs/prisma-engine.md), so generation and any engine call it makes work offline.
 * A value set by the caller is kept.
 *
 *   pnpm --filter @warehouse/db build        # or: tsx scripts/generate.ts [--help]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(
    'Usage: tsx scripts/generate.ts\n\n' +
      'Generates the Prisma client from prisma/schema.prisma into src/generated/prisma without\n' +
      'downloading the native engine. Honours PRISMA_SCHEMA_ENGINE_BINARY when it is set.\n',
  );
  process.exit(0);
}

const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? '1' };
const configured = env.PRISMA_SCHEMA_ENGINE_BINARY;
if (configured && !existsSync(configured)) {
  process.stderr.write(
    `PRISMA_SCHEMA_ENGINE_BINARY=${configured} does not exist; unset it (generation needs no engine) or point it at an existing file.\n`,
  );
  process.exit(1);
}
env.PRISMA_SCHEMA_ENGINE_BINARY = configured || path.join(packageDir, '..', 'migrate', 'bin', 'schema-engine');

const require = createRequire(path.join(packageDir, 'package.json'));
const cli = path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
const result = spawnSync(process.execPath, [cli, 'generate', '--config', 'prisma.config.ts'], {
  cwd: packageDir,
  env,
  stdio: 'inherit',
});
if (result.error) {
  process.stderr.write(`could not start the Prisma CLI (${cli}): ${result.error.message}\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);
