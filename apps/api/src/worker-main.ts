#!/usr/bin/env tsx
/**
 * pnpm worker — the ingest and refresh workers alone (no HTTP), so several API and worker
 * processes can share one database. Does not migrate: the API process (pnpm start) or
 * `pnpm db:migrate` does. --help for the environment variables.
 */
import pino from 'pino';
import { parseOrExit } from '@warehouse/cli';
import { loadConfig } from './config.ts';
import { startServer, stopOnSignals } from './server.ts';
import { surviveDatabaseOutages } from './db-unavailable.ts';

parseOrExit({
  name: 'pnpm worker',
  summary: 'the ingest and refresh workers alone (no HTTP)',
  description:
    'Runs graphile-worker with the tasks ingest_upload and mv_refresh against WAREHOUSE_ENV (local_dev)\n' +
    'or DATABASE_URL; any number of API and worker processes can share one database. Does not migrate:\n' +
    '`pnpm start` or `pnpm db:migrate` does. Environment: WORKER_CONCURRENCY (2),\n' +
    'INGEST_STALE_JOB_SECONDS (30), INGEST_MAX_ERRORS (10000), INGEST_ERROR_SUMMARY (50),\n' +
    'INGEST_DATE_MIN (2000-01-01), INGEST_DATE_MAX (one year after today), LOG_LEVEL (info).\n' +
    'Stays up while the database restarts; interrupted jobs are retried.',
  flags: {},
});

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(`${'pnpm worker'}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const logger = pino({ level: config.logLevel });
surviveDatabaseOutages(logger);
try {
  const server = await startServer({ config, api: false, worker: true, migrate: false, logger });
  stopOnSignals(server, logger);
  console.log(`warehouse worker running (pid ${process.pid}, concurrency ${config.workerConcurrency})`);
} catch (error) {
  logger.error({ err: error }, 'worker start failed');
  console.error(`pnpm worker failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
