#!/usr/bin/env tsx
// pnpm mv:status — every MV with populated, unique index, staleness, last refresh, last duration, last error.
import { defineCommand, envFlag, jsonFlag, ms, printJson, runCommand, table, c } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm mv:status',
    summary: 'list materialized views with their refresh state',
    description:
      'Reads the catalog (populated, usable unique index for REFRESH CONCURRENTLY, upstream MVs) and\n' +
      'log.mv_refresh_log (last successful refresh, its duration, and the error of a later failed attempt).\n' +
      'Staleness: 0 when the MV was refreshed after the latest successful upload (or revert) that feeds it,\n' +
      'else the time since that change; "!" marks an MV past its freshness target (default 10 min,\n' +
      'MV_FRESHNESS_TARGET_MS). History of one MV: `pnpm mv:history NAME`.',
    flags: { env: envFlag, json: jsonFlag },
    examples: ['pnpm mv:status', 'pnpm mv:status --env local_demo --json'],
    async run({ flags }) {
      const { default: pg } = await import('pg');
      const { mvStatus } = await import('@warehouse/refresher');
      const { withEnv } = await import('../src/env.ts');
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
      const age = (s: number) =>
        s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
      const when = (d: Date | null) =>
        d
          ? d
              .toISOString()
              .replace('T', ' ')
              .replace(/\.\d+Z$/, 'Z')
          : c.dim('never');
      process.stdout.write(
        `${table(
          [
            'mv',
            'stale',
            'behind',
            'populated',
            'unique index',
            'last refresh',
            'duration',
            'mode',
            'rows',
            'last error',
          ],
          rows.map((r) => [
            r.mv,
            r.stalenessSeconds === 0
              ? c.ok('fresh')
              : r.overTarget
                ? c.err(`! ${age(r.stalenessSeconds)}`)
                : c.warn(age(r.stalenessSeconds)),
            r.behind ?? '',
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
