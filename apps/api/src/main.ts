#!/usr/bin/env tsx
/**
 * pnpm start — the API and the workers in one process on PORT (default 3000), on the local_dev
 * database (embedded PostgreSQL unless DATABASE_URL / DATABASE_URL_LOCAL_DEV is set), migrated and
 * seeded with reference data. Flags: --no-worker (API only), --no-seed, --help.
 */
import pino from 'pino';
import { loadConfig } from './config.ts';
import { startServer, stopOnSignals } from './server.ts';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`pnpm start [--no-worker] [--no-seed]

Runs the warehouse API (and its ingest/refresh workers) on http://HOST:PORT.
Environment: PORT (3000), HOST (127.0.0.1), WAREHOUSE_ENV (local_dev), DATABASE_URL, API_TOKEN,
UPLOAD_MAX_BYTES (2 GiB), WORKER_CONCURRENCY (2), LOG_LEVEL (info).`);
  process.exit(0);
}

const year = new Date().getUTCFullYear();
let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(`${'pnpm start'}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const logger = pino({ level: config.logLevel });
try {
  const server = await startServer({
    config,
    worker: !args.includes('--no-worker'),
    seed: args.includes('--no-seed') ? undefined : { from: `${year - 6}-01-01`, to: `${year + 1}-12-31` },
    logger,
  });
  stopOnSignals(server, logger);
  console.log(`warehouse API listening on ${server.url} (worker ${server.worker ? 'in this process' : 'not started'})`);
} catch (error) {
  logger.error({ err: error }, 'start failed');
  console.error(`pnpm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
