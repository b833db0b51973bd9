#!/usr/bin/env tsx
// pnpm demo:data — write five years of realistic Shogun CSVs (and optionally seed the calendar/targets).
import path from 'node:path';
import type { ManifestFile } from '@warehouse/demo';
import { isCalendarDate } from '@warehouse/db/dates';
import {
  c,
  CliError,
  defineCommand,
  envFlag,
  guardFlags,
  info,
  jsonFlag,
  ms,
  overwriteFlag,
  printJson,
  runCommand,
  table,
} from '../src/index.ts';
import { repoRoot } from '../src/paths.ts';
import type { SeedRun } from '../src/seed.ts';
import { FLAVOUR } from '@warehouse/db/kinds';

function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

await runCommand(
  defineCommand({
    name: 'pnpm demo:data',
    summary: 'write demo Shogun CSVs (receive/shipment/yard, final + flash) and a manifest',
    description:
      'One final file per kind per month for the last N years, flash files for the most recent ~10 days\n' +
      '(not final yet), in a mix of UTF-8, UTF-8 with BOM and CP932, CRLF, Japanese headers.\n' +
      'The same --seed and --end give byte-identical files. With --reference, also fills the missing rows of\n' +
      'ref.calendar, mart.daily_target_plan and kpi.monthly_targets of --env for the same period (as\n' +
      '`pnpm db:seed`: a row that exists, such as a typed target, is never changed). --reference --overwrite\n' +
      'replaces values that differ from the generated ones, guarded and backed up as `pnpm db:seed --overwrite`.',
    flags: {
      out: {
        type: 'string',
        placeholder: 'DIR',
        default: 'demo-data',
        description: 'output directory (relative to the repo root)',
      },
      years: { type: 'string', placeholder: 'N', default: '5', description: 'years of history before the end month' },
      seed: { type: 'string', placeholder: 'S', default: 'demo', description: 'PRNG seed' },
      end: { type: 'string', placeholder: 'YYYY-MM-DD', description: 'last date with data (default: yesterday)' },
      reference: {
        type: 'boolean',
        description: 'also seed calendar and targets into --env (through the end of next year)',
      },
      overwrite: { ...overwriteFlag, description: `with --reference: ${overwriteFlag.description}` },
      ...guardFlags,
      env: envFlag,
      json: jsonFlag,
    },
    examples: [
      'pnpm demo:data',
      'pnpm demo:data --years 1 --out /tmp/demo --seed 42 --end 2025-06-30',
      'pnpm demo:data --reference --env local_demo',
    ],
    async run({ flags }) {
      const years = Number(flags.years);
      if (!Number.isInteger(years) || years < 1 || years > 20) {
        throw new CliError('E_USAGE', `--years ${JSON.stringify(flags.years)} must be a whole number from 1 to 20`);
      }
      if (!flags.reference && (flags.overwrite || flags.force || flags.yes || flags.confirm !== undefined)) {
        throw new CliError(
          'E_USAGE',
          '--overwrite, --force, --yes and --confirm apply to --reference only; without it demo:data writes files and no database',
        );
      }
      const end = flags.end ?? yesterday();
      if (!isCalendarDate(end))
        throw new CliError('E_USAGE', `--end ${JSON.stringify(end)} is not a date; pass YYYY-MM-DD, e.g. 2025-06-30`);
      const { writeDemoData } = await import('@warehouse/demo');
      const { monthStart } = await import('@warehouse/demo/seed');
      const { describeSeed, runReferenceSeed } = await import('../src/seed.ts');
      const outDir = path.resolve(repoRoot, flags.out);
      const t0 = Date.now();
      info(`writing ${years} year(s) of demo data through ${end} (seed ${JSON.stringify(flags.seed)}) to ${outDir}`);
      const manifest = await writeDemoData({
        outDir,
        years,
        endDate: end,
        seed: flags.seed,
        onFile: (f: ManifestFile, i: number, total: number) => {
          if (i % 12 === 0 || i === total - 1 || f.flavour === FLAVOUR.flash) {
            info(
              c.dim(
                `  [${String(i + 1).padStart(String(total).length)}/${total}] ${f.file.padEnd(28)} ${String(f.rows).padStart(7)} rows  ${f.encoding}`,
              ),
            );
          }
        },
      });
      const elapsed = Date.now() - t0;

      let reference: SeedRun | undefined;
      if (flags.reference) {
        const to = `${Number(end.slice(0, 4)) + 1}-12-31`;
        reference = await runReferenceSeed({
          flags,
          range: { from: monthStart(manifest.startDate), to, seed: flags.seed },
          command: 'pnpm demo:data --reference',
        });
      }

      if (flags.json) {
        printJson({
          outDir,
          manifest: path.join(outDir, 'manifest.json'),
          ms: elapsed,
          totals: manifest.totals,
          finalThrough: manifest.finalThrough,
          reference,
        });
        return;
      }
      const groups = new Map<string, { files: number; rows: number; bytes: number }>();
      for (const f of manifest.files) {
        const key = `${f.csvType} ${f.flavour}`;
        const g = groups.get(key) ?? { files: 0, rows: 0, bytes: 0 };
        g.files++;
        g.rows += f.rows;
        g.bytes += f.bytes;
        groups.set(key, g);
      }
      const mb = (b: number) => (b / 1_048_576).toFixed(1);
      const rows = [...groups].map(([k, g]) => [k, g.files, g.rows.toLocaleString('en-US'), mb(g.bytes)]);
      rows.push([
        'total',
        manifest.totals.files,
        manifest.totals.rows.toLocaleString('en-US'),
        mb(manifest.totals.bytes),
      ]);
      process.stdout.write(`${table(['kind', 'files', 'rows', 'MB'], rows)}\n`);
      process.stdout.write(
        `${c.ok('ok')} ${manifest.startDate} … ${manifest.endDate} (final through ${manifest.finalThrough}) in ${ms(elapsed)} → ${path.join(outDir, 'manifest.json')}\n`,
      );
      if (reference) process.stdout.write(`${c.ok('ok')} ${describeSeed(reference, flags.overwrite === true)}\n`);
    },
  }),
);
