#!/usr/bin/env tsx
// pnpm mv:status — every MV with populated, unique index, last refresh, last duration, last error.
import pg from 'pg';
import { mvStatus } from '@warehouse/refresher';
import { defineCommand, envFlag, jsonFlag, ms, printJson, runCommand, table, withEnv, c } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm mv:status',
    summary: 'list materialized views with their refresh state',
    description:
      'Reads the catalog (populated, usable unique index for REFRESH CONCURRENTLY, upstream MVs) and\n' +
      'log.mv_refresh_log (last successful refresh, its duration, and the error of a later failed attempt).',
    flags: { env: envFlag, json: jsonFlag },
    examples: ['pnpm mv:status', 'pnpm mv:status --env local_demo --json'],
    async run({ flags }) {
      const rows = await withEnv(
        flags.env,
        async (db) => {
          const client = new pg.Client({ connectionString: db.url, application_name: 'warehouse-mv-status' });
          await client.connect();
          try {
            return await mvStatus(client);
          } finally {
            await client.end();
          }
        },
        { quiet: flags.json },
      );
      if (flags.json) return printJson(rows);
      const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : c.dim('never'));
      process.stdout.write(
        `${table(
          ['mv', 'populated', 'unique index', 'last refresh', 'duration', 'mode', 'rows', 'last error'],
          rows.map((r) => [
            r.mv,
            r.populated ? 'yes' : c.warn('no'),
            r.uniqueIndex ? 'yes' : c.warn('no'),
            when(r.lastRefreshAt),
            r.lastDurationMs == null ? '' : ms(r.lastDurationMs),
            r.lastMode ?? '',
            r.lastRowCount ?? '',
            r.lastError ? c.err(`${when(r.lastErrorAt)} ${r.lastError}`) : '',
          ]),
        )}\n`,
      );
    },
  }),
);
