#!/usr/bin/env tsx
/**
 * pnpm start — the API and the workers in one process on PORT (default 3000), on the local_dev
 * database (embedded PostgreSQL unless DATABASE_URL / DATABASE_URL_LOCAL_DEV is set), migrated and
 * seeded with reference data. Flags: --no-worker (API only), --no-seed, --help.
 */
import { parseOrExit } from '@warehouse/command';
import { loadConfig } from './config.ts';

// Only the flags and the settings are read before anything is imported that a start needs (the
// server, its database toolkit, the workers): --help, a mistyped flag or a bad setting answers
// at once instead of after the whole module graph has loaded.

const flags = parseOrExit({
  name: 'pnpm start',
  summary: 'the warehouse API and its ingest/refresh workers in one process',
  description:
    'Runs on http://HOST:PORT against WAREHOUSE_ENV (local_dev: an embedded PostgreSQL unless\n' +
    'DATABASE_URL / DATABASE_URL_LOCAL_DEV is set), migrated to head and seeded with reference data.\n' +
    'Environment: PORT (3000), HOST (127.0.0.1), WAREHOUSE_ENV (local_dev), DATABASE_URL, PUBLIC_URL,\n' +
    'AUTH (on), AUTH_SECRET, SESSION_IDLE_MINUTES (480), SESSION_MAX_HOURS (168), API_TOKEN (retired:\n' +
    'kept as the admin key "API_TOKEN (migrated)"),\n' +
    'UPLOAD_MAX_BYTES (2 GiB), WORKER_CONCURRENCY (2), INGEST_MAX_ERRORS (10000), INGEST_DATE_MIN\n' +
    '(2000-01-01), INGEST_DATE_MAX (one year after today), LOG_LEVEL (info), LOG_FORMAT (pretty on a\n' +
    'terminal, else json), WEB_DIST (the console build; `off` = no console). The console (apps/web) is\n' +
    'built first when its build is missing or stale. Ctrl+C stops it gracefully.',
  flags: {
    'no-worker': { type: 'boolean', description: 'API only; run workers with `pnpm worker`' },
    'no-seed': { type: 'boolean', description: 'do not seed the calendar and targets' },
  },
  examples: ['pnpm start', 'PORT=8080 PUBLIC_URL=https://warehouse.example pnpm start --no-worker'],
});

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(`${'pnpm start'}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const [
  { referenceRange },
  { createApiLogger },
  { startServer, stopOnSignals },
  { buildConsoleIfStale },
  { surviveDatabaseOutages },
] = await Promise.all([
  import('@warehouse/demo/seed'),
  import('./logger.ts'),
  import('./server.ts'),
  import('./web.ts'),
  import('./db-unavailable.ts'),
]);
const logger = createApiLogger(config);
surviveDatabaseOutages(logger);
try {
  if (config.webDist && !process.env.WEB_DIST) buildConsoleIfStale(config.webDist, (m) => console.log(m));
  const server = await startServer({
    config,
    worker: !flags['no-worker'],
    seed: flags['no-seed'] ? undefined : referenceRange(),
    logger,
    onFirstAdmin: ({ email, password }) =>
      console.log(
        `\nFirst admin created (shown this once): sign in at the console as ${email} with the one-time password\n\n    ${password}\n\nthen make accounts for the others with pnpm users:create (pnpm users:reset-password --email ${email} sets a new one).\n`,
      ),
  });
  stopOnSignals(server, logger);
  console.log(`warehouse API listening on ${server.url} (worker ${server.worker ? 'in this process' : 'not started'})`);
} catch (error) {
  logger.error({ err: error }, 'start failed');
  const { maskSecrets } = await import('@warehouse/db');
  console.error(`pnpm start failed: ${maskSecrets(error instanceof Error ? error.message : String(error))}`);
  process.exit(1);
}
