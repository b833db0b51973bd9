#!/usr/bin/env tsx
// pnpm mv:history NAME — the latest refresh attempts of one MV: trigger, mode, duration, outcome, error.
import { c, CliError, defineCommand, envFlag, jsonFlag, ms, printJson, runCommand, table } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm mv:history',
    summary: 'the refresh history of one materialized view, newest first',
    description:
      'Reads log.mv_refresh_log: one row per attempt with its trigger (upload:<id>, schedule, api, cli, …),\n' +
      'mode (concurrent/plain), duration, outcome (refreshed, failed, skipped, running) and error.\n' +
      'Rows older than MV_REFRESH_RETENTION_DAYS (90) are removed by the nightly job.',
    flags: {
      env: envFlag,
      limit: { type: 'string', default: '20', placeholder: 'N', description: 'how many attempts to show (1–1000)' },
      json: jsonFlag,
    },
    positionals: { usage: 'NAME', description: 'the MV, e.g. mart.mv_receive_daily (schema defaults to mart)' },
    examples: ['pnpm mv:history mart.mv_receive_daily', 'pnpm mv:history mv_target_card_per_day --limit 5 --json'],
    async run({ flags, positionals }) {
      if (positionals.length !== 1)
        throw new CliError('E_USAGE', 'name exactly one MV, e.g. `pnpm mv:history mart.mv_receive_daily`');
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new CliError('E_USAGE', `--limit ${JSON.stringify(flags.limit)} is not an integer between 1 and 1000`);
      const { default: pg } = await import('pg');
      const { loadGraph, mvHistory, normalizeName } = await import('@warehouse/refresher');
      const { withEnv } = await import('../src/env.ts');
      const name = normalizeName(positionals[0]!);
      const rows = await withEnv(
        flags.env,
        async (db) => {
          const client = new pg.Client({ connectionString: db.url, application_name: 'warehouse-mv-history' });
          await client.connect();
          try {
            const history = await mvHistory(client, name, limit);
            if (history.length === 0) {
              const graph = await loadGraph(client);
              if (!graph.nodes.has(name)) {
                throw new CliError(
                  'E_USAGE',
                  `${name}: no such materialized view in this database and no history; known: ${[...graph.nodes.keys()].join(', ')}`,
                );
              }
            }
            return history;
          } finally {
            await client.end();
          }
        },
        { quiet: flags.json },
      );
      if (flags.json) return printJson(rows);
      if (rows.length === 0) {
        process.stdout.write(`${name} has not been refreshed yet (no rows in log.mv_refresh_log)\n`);
        return;
      }
      const when = (d: Date | null) =>
        d
          ? d
              .toISOString()
              .replace('T', ' ')
              .replace(/\.\d+Z$/, 'Z')
          : '';
      const outcome = (o: string) => (o === 'refreshed' ? c.ok(o) : o === 'failed' ? c.err(o) : c.warn(o));
      process.stdout.write(
        `${table(
          ['started', 'trigger', 'mode', 'duration', 'outcome', 'attempt', 'rows', 'error'],
          rows.map((r) => [
            when(r.startedAt),
            r.trigger,
            r.mode,
            r.durationMs == null ? '' : ms(r.durationMs),
            outcome(r.outcome),
            r.attempts,
            r.rowCount ?? '',
            r.error ?? '',
          ]),
        )}\n`,
      );
    },
  }),
);
