#!/usr/bin/env tsx
// pnpm mv:refresh — refresh MVs in dependency order (direct, without the job queue) and print the result.
import { CSV_TYPES, isCsvType } from '@warehouse/db/kinds';
import type { RefreshResult } from '@warehouse/refresher';
import { c, CliError, defineCommand, envFlag, EXIT, jsonFlag, ms, printJson, runCommand, table } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm mv:refresh',
    summary: 'refresh materialized views in dependency order and print the result',
    description:
      'Order comes from the database (pg_depend/pg_rewrite, through views); every MV downstream of a\n' +
      'requested one is refreshed too. CONCURRENTLY when the MV is populated and has a usable unique index,\n' +
      'plain otherwise (the table says why). Every attempt is written to log.mv_refresh_log.\n' +
      'Incremental tables (catalog `-- incremental by COL`) are rebuilt whole from their declared query\n' +
      'here (only keys that differ are written, readers never blocked); uploads recompute only their dates.\n' +
      'Exit 1 when the outcome is failed (a critical MV failed or was skipped); degraded exits 0.\n' +
      'An unknown MV name or csv type is a usage error (exit 1, the known names listed, nothing recorded).\n' +
      'Defaults come from MV_REFRESH_* variables (MV_REFRESH_CONCURRENCY, MV_REFRESH_LOCK_TIMEOUT_MS, …).',
    flags: {
      env: envFlag,
      'csv-type': {
        type: 'string',
        placeholder: 'TYPE',
        description: `refresh what an upload of TYPE refreshes (${CSV_TYPES.join(', ')})`,
      },
      all: { type: 'boolean', description: 'refresh every MV of the database' },
      full: {
        type: 'boolean',
        description: 'rebuild incremental tables whole (the default here too; says so explicitly)',
      },
      concurrency: { type: 'string', placeholder: 'N', description: 'MVs refreshed at once on independent branches' },
      json: jsonFlag,
      verbose: { type: 'boolean', description: 'log each step (pino JSON on stderr)' },
    },
    positionals: {
      usage: '[NAME…]',
      description: 'MVs to refresh, e.g. mart.mv_receive_daily (schema defaults to mart)',
    },
    examples: [
      'pnpm mv:refresh --csv-type receive',
      'pnpm mv:refresh --all --env local_demo',
      'pnpm mv:refresh mv_receive_daily --json',
      'pnpm mv:refresh --full mart.mv_receive_daily',
    ],
    async run({ flags, positionals }) {
      const chosen = [flags['csv-type'] !== undefined, flags.all, positionals.length > 0].filter(Boolean).length;
      if (chosen !== 1)
        throw new CliError(
          'E_USAGE',
          'say what to refresh: exactly one of --csv-type TYPE, --all or MV names; see `pnpm mv:refresh --help`',
        );
      const { configFromEnv, createLogger, refresh, refreshAll, refreshForCsvType } =
        await import('@warehouse/refresher');
      const { withWritingEnv } = await import('../src/destructive.ts');
      const config = configFromEnv();
      if (flags.concurrency !== undefined) {
        const n = Number(flags.concurrency);
        if (!Number.isInteger(n) || n < 1)
          throw new CliError('E_USAGE', `--concurrency ${JSON.stringify(flags.concurrency)} is not an integer ≥ 1`);
        config.concurrency = n;
      }
      const logger = createLogger({ level: flags.verbose ? 'info' : 'warn' });
      const csvType = flags['csv-type'];
      if (csvType !== undefined && !isCsvType(csvType)) {
        throw new CliError('E_USAGE', `--csv-type ${JSON.stringify(csvType)} is not one of ${CSV_TYPES.join(', ')}`);
      }
      const result: RefreshResult = await withWritingEnv(
        flags.env,
        'mv:refresh',
        async (db) => {
          if (positionals.length) await assertKnown(db.url, positionals);
          const options = { url: db.url, logger, config, trigger: 'cli', full: flags.full === true };
          if (flags.all) return refreshAll(options);
          if (csvType !== undefined) return refreshForCsvType(csvType, options);
          return refresh(positionals, options);
        },
        { quiet: flags.json },
      );
      if (flags.json) printJson(result);
      else printResult(result);
      return result.outcome === 'failed' ? EXIT.failure : EXIT.ok;
    },
  }),
);

/** Unknown names are the caller's mistake, not a failed refresh: refused before anything runs or is logged. */
async function assertKnown(url: string, names: string[]): Promise<void> {
  const { default: pg } = await import('pg');
  const { loadGraph, normalizeName } = await import('@warehouse/refresher');
  const client = new pg.Client({ connectionString: url, application_name: 'warehouse-mv-refresh' });
  await client.connect();
  try {
    const graph = await loadGraph(client);
    const unknown = names.filter((n) => !graph.nodes.has(normalizeName(n)));
    if (unknown.length) {
      throw new CliError(
        'E_USAGE',
        `${unknown.join(', ')}: no such materialized view in this database; known: ${[...graph.nodes.keys()].join(', ')} (see \`pnpm mv:status\`)`,
      );
    }
  } finally {
    await client.end();
  }
}

function printResult(result: RefreshResult): void {
  const status = (s: string) => (s === 'refreshed' ? c.ok(s) : s === 'failed' ? c.err(s) : c.warn(s));
  const rows = result.results.map((r) => [
    r.mv,
    r.mode,
    r.strategy === 'incremental'
      ? `incremental (${r.keyCount} keys)`
      : `full${r.keyCount ? ` (${r.keyCount} keys differed)` : ''}`,
    status(r.status),
    ms(r.ms),
    r.attempts,
    r.critical ? 'yes' : 'no',
    r.rowCount ?? '',
    r.error ?? r.reason ?? '',
  ]);
  process.stdout.write(
    `${table(['mv', 'mode', 'strategy', 'status', 'time', 'attempts', 'critical', 'rows', 'reason / error'], rows)}\n`,
  );
  const outcome =
    result.outcome === 'ok' ? c.ok('ok') : result.outcome === 'degraded' ? c.warn('degraded') : c.err('failed');
  process.stdout.write(`\noutcome: ${outcome}  ${c.dim(`run ${result.runId}, ${result.results.length} MV(s)`)}\n`);
}
