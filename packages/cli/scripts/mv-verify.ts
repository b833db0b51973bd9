#!/usr/bin/env tsx
// pnpm mv:verify — each incremental table against its declared query's full result; --repair rebuilds.
import type { ResolvedDatabase } from '@warehouse/env';
import type { VerifyReport, VerifyResult } from '@warehouse/refresher';
import { c, defineCommand, envFlag, EXIT, info, jsonFlag, printJson, runCommand, table } from '../src/index.ts';

const SHOWN = 20;

await runCommand(
  defineCommand({
    name: 'pnpm mv:verify',
    summary: 'compare incremental tables with their declared queries; list the keys that differ',
    description:
      'An incremental table (catalog `-- incremental by COL`, e.g. mart.mv_receive_daily) is kept by the\n' +
      'refresher from its declared query (the view <name>__query). This compares the table with the\n' +
      "query's full result both ways (EXCEPT ALL, one snapshot) and lists each differing key: missing\n" +
      '(the query has it, the table not), extra (the reverse) or differs. It only reports: exit 1 on any\n' +
      'difference. --repair rebuilds the tables that differ (only differing keys are rewritten, readers\n' +
      'are not blocked), refreshes what reads them, checks again and exits 0 when they now agree.\n' +
      'The nightly refresh runs the same check after its full refresh.',
    flags: {
      env: envFlag,
      repair: { type: 'boolean', description: 'rebuild the tables that differ, then check again' },
      json: jsonFlag,
    },
    positionals: {
      usage: '[NAME…]',
      description: 'incremental tables to check (default: all); schema defaults to mart',
    },
    examples: ['pnpm mv:verify', 'pnpm mv:verify mart.mv_receive_daily', 'pnpm mv:verify --repair --env local_demo'],
    async run({ flags, positionals }) {
      const { createLogger, verifyTables } = await import('@warehouse/refresher');
      const { withEnv } = await import('../src/env.ts');
      const { withWritingEnv } = await import('../src/destructive.ts');
      const logger = createLogger({ level: 'warn' });
      const check = (db: ResolvedDatabase) =>
        verifyTables(positionals.length ? positionals : 'all', {
          url: db.url,
          repair: flags.repair === true,
          logger,
          trigger: 'cli:verify',
        });
      // --repair rewrites tables: the writers' guard (refused when the URL reaches production unnamed).
      const report: VerifyReport = flags.repair
        ? await withWritingEnv(flags.env, 'mv:verify --repair', check, { quiet: flags.json })
        : await withEnv(flags.env, check, { quiet: flags.json });
      if (flags.json) {
        printJson(report);
        return report.ok ? EXIT.ok : EXIT.failure;
      }
      printResults(report.results);
      if (report.repair) {
        const failed = report.repair.refresh.results.filter((r) => r.status !== 'refreshed');
        info(
          `\nrepair: rebuilt ${report.repair.after.map((a) => a.name).join(', ')} (run ${report.repair.refresh.runId})`,
        );
        for (const f of failed) info(`${c.err('✗')} ${f.mv} ${f.status}: ${f.error ?? f.reason ?? ''}`);
        printResults(report.repair.after, 'after the repair');
      } else if (!report.ok) {
        info(
          `\nrun \`pnpm mv:verify --repair${positionals.length ? ` ${positionals.join(' ')}` : ''}\` to rebuild them`,
        );
      }
      return report.ok ? EXIT.ok : EXIT.failure;
    },
  }),
);

function printResults(results: VerifyResult[], label?: string): void {
  if (label) process.stdout.write(`\n${label}:\n`);
  const rows = results.map((r) => [
    r.name,
    r.ok ? c.ok('equal') : c.err(`${r.differences.length} key(s) differ`),
    r.differences
      .slice(0, SHOWN)
      .map((d) => `${d.key} ${d.kind}`)
      .join(', ') + (r.differences.length > SHOWN ? `, … ${r.differences.length - SHOWN} more (--json lists all)` : ''),
  ]);
  process.stdout.write(`${table(['table', 'result', 'keys'], rows)}\n`);
}
