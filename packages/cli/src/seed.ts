import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CliError } from '@warehouse/command';
import { withClient } from '@warehouse/db';
import type { ResolvedDatabase } from '@warehouse/env';
import {
  seedReference,
  targetsBackupCsv,
  type CalendarRow,
  type ReferenceRange,
  type ReplacedValues,
  type SeedReferenceResult,
} from '@warehouse/demo/seed';
import { cliConfig, withGuardedEnv, withWritingEnv } from './destructive.ts';
import { timestamp } from './ops/backup.ts';
import { c, info } from './output.ts';

export interface SeedRun extends SeedReferenceResult {
  /** Files holding the replaced values (overwrite only, and only when something was replaced). */
  backupFiles: string[];
  /** Values replaced (overwrite only): calendar rows + daily + monthly targets. */
  replacedCount: number;
}

/** The OS user, as the targets history records who ran a CLI overwrite. */
function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER || process.env.LOGNAME || 'unknown';
  }
}

const sqlText = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);

/** The replaced calendar rows as SQL that puts them back (`pnpm db:psql --env E -- -f FILE`). */
export function calendarBackupSql(rows: CalendarRow[]): string {
  const values = rows.map(
    (r) =>
      `  ('${r.ddate}', ${r.iso_year}, ${r.iso_week}, ${r.iso_dow}, ${r.is_holiday}, ${sqlText(r.holiday_name)}, ${r.is_business_day}, ${sqlText(r.day_type)})`,
  );
  return [
    '-- ref.calendar rows as they were before `--overwrite` replaced them. Restore:',
    '--   pnpm db:psql --env ENV -- -v ON_ERROR_STOP=1 -f THIS_FILE',
    'BEGIN;',
    'INSERT INTO ref.calendar (ddate, iso_year, iso_week, iso_dow, is_holiday, holiday_name, is_business_day, day_type) VALUES',
    `${values.join(',\n')}`,
    'ON CONFLICT (ddate) DO UPDATE SET iso_year = excluded.iso_year, iso_week = excluded.iso_week, iso_dow = excluded.iso_dow,',
    '  is_holiday = excluded.is_holiday, holiday_name = excluded.holiday_name, is_business_day = excluded.is_business_day,',
    '  day_type = excluded.day_type;',
    'COMMIT;',
    '',
  ].join('\n');
}

/** Write the backup of `replaced` under `<dir>/<env>/`; returns the files written (none when nothing is replaced). */
export async function backupReplaced(replaced: ReplacedValues, dir: string, envName: string, now = new Date()) {
  const files: string[] = [];
  const base = path.join(dir, envName, `${envName}_reference_before_overwrite_${timestamp(now)}`);
  await mkdir(path.dirname(base), { recursive: true });
  if (replaced.monthlyTargets.length + replaced.dailyTargetPlan.length) {
    files.push(`${base}_targets.csv`);
    await writeFile(files.at(-1)!, targetsBackupCsv(replaced), { flag: 'wx' });
  }
  if (replaced.calendar.length) {
    files.push(`${base}_calendar.sql`);
    await writeFile(files.at(-1)!, calendarBackupSql(replaced.calendar), { flag: 'wx' });
  }
  return files;
}

/**
 * Seed the reference data of `--env` as `db:seed` and `demo:data --reference` do: missing rows
 * only, through the env's resolution (which says when the URL reaches a marked database). With
 * `overwrite`, the destructive-command guard first (countdown on remote envs; refused on a
 * protected one without --force, then confirmation and a full backup), then the values about to
 * be replaced are written to files under the backup directory before anything changes.
 */
export async function runReferenceSeed(o: {
  flags: { env: string; overwrite?: boolean; yes?: boolean; force?: boolean; confirm?: string; json?: boolean };
  range: ReferenceRange & { seed?: string | number };
  /** The command, for the targets history and the guard's banner: `pnpm db:seed`. */
  command: string;
}): Promise<SeedRun> {
  const { flags } = o;
  const guardOnly = (['yes', 'force', 'confirm'] as const).filter((f) => flags[f] !== undefined && flags[f] !== false);
  if (!flags.overwrite && guardOnly.length) {
    throw new CliError(
      'E_USAGE',
      `--${guardOnly[0]} only applies to --overwrite; without it ${o.command} inserts missing rows only and asks nothing`,
    );
  }
  if (!flags.overwrite) {
    const r = await withWritingEnv(
      flags.env,
      `${o.command} (fill missing calendar rows and targets)`,
      (db) => withClient(db.url, (client) => seedReference(client, o.range)),
      { quiet: flags.json },
    );
    return { ...r, backupFiles: [], replacedCount: 0 };
  }
  const { backupDir } = cliConfig();
  const action = `${o.command} --overwrite (replace calendar rows and targets with generated values)`;
  return withGuardedEnv(flags, action, async (db: ResolvedDatabase) => {
    let backupFiles: string[] = [];
    const r = await withClient(db.url, (client) =>
      seedReference(client, {
        ...o.range,
        overwrite: true,
        editor: osUser(),
        beforeReplace: async (replaced) => {
          backupFiles = await backupReplaced(replaced, backupDir, db.env.name);
          for (const f of backupFiles) info(`${c.ok('replaced values backed up')}: ${f}`);
          return backupFiles[0];
        },
      }),
    );
    const replaced = r.replaced!;
    return {
      ...r,
      backupFiles,
      replacedCount: replaced.calendar.length + replaced.dailyTargetPlan.length + replaced.monthlyTargets.length,
    };
  });
}

/** One line for a seed run: what was inserted, kept or replaced, and where the backup is. */
export function describeSeed(r: SeedRun, overwrite: boolean): string {
  const kept = r.calendar.kept + r.dailyTargetPlan.kept + r.monthlyTargets.kept;
  const head =
    `reference data ${r.from} … ${r.to}: inserted calendar ${r.calendar.inserted}, ` +
    `daily targets ${r.dailyTargetPlan.inserted}, monthly targets ${r.monthlyTargets.inserted}`;
  if (overwrite) {
    const rep = r.replaced!;
    return (
      `${head}; replaced ${r.replacedCount} value(s) (calendar ${rep.calendar.length}, daily targets ${rep.dailyTargetPlan.length}, ` +
      `monthly targets ${rep.monthlyTargets.length})${r.backupFiles.length ? `; the old values are in ${r.backupFiles.join(' and ')}` : ''}`
    );
  }
  return kept
    ? `${head}; kept ${kept} existing value(s) that differ from the generated ones (edited targets stay; \`--overwrite\` replaces them)`
    : head;
}
