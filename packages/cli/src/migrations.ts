import path from 'node:path';
import { parseDuration, type MigratorEvent } from '@warehouse/migrate';
import { CliError } from '@warehouse/command';
import type { FlagSpec } from '@warehouse/command';
import { c, info, ms } from './output.ts';

/** Flags shared by the db:migrate family. */
export const dirFlag = {
  type: 'string',
  placeholder: 'DIR',
  description: 'migrations folder (default packages/db/prisma/migrations)',
} as const satisfies FlagSpec;

/** schema.prisma (or its folder) that the schema workflow compares with. */
export const schemaFlag = {
  type: 'string',
  placeholder: 'PATH',
  description: 'schema.prisma or its folder (default packages/db/prisma/schema.prisma)',
} as const satisfies FlagSpec;

/** The view catalog folder. */
export const viewsFlag = {
  type: 'string',
  placeholder: 'DIR',
  description: 'view catalog folder (default packages/db/prisma/views)',
} as const satisfies FlagSpec;

/** The flags of the schema workflow (db:check, db:migrate:new): which schema, migrations and catalog. */
export const schemaSourceFlags = { schema: schemaFlag, dir: dirFlag, views: viewsFlag } as const;

/**
 * The paths those flags name, resolved against the working directory; undefined leaves the
 * library's default (the repository's packages/db/prisma/…).
 * @example const { dir, schema, catalogDir } = schemaSources(flags);
 */
export function schemaSources(flags: { schema?: string; dir?: string; views?: string }): {
  schema: string | undefined;
  dir: string | undefined;
  catalogDir: string | undefined;
} {
  const resolved = (p: string | undefined) => (p ? path.resolve(p) : undefined);
  return { schema: resolved(flags.schema), dir: resolved(flags.dir), catalogDir: resolved(flags.views) };
}

export const lockTimeoutFlag = {
  type: 'string',
  placeholder: 'MS',
  default: '30000',
  description:
    'how long to wait for another migrator holding the migration (advisory) lock — not the lock_timeout of statements (--ddl-lock-timeout)',
} as const satisfies FlagSpec;

/** A whole number ≥ `min` from a flag, or a usage error naming the flag and the value. */
export function intFlag(name: string, value: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CliError('E_USAGE', `--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** A duration flag (`5s`, `500ms`, `2min`, bare ms; 0 = no limit) in ms, or a usage error naming the flag. */
export function durationFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = parseDuration(value);
  if (n === undefined)
    throw new CliError(
      'E_USAGE',
      `--${name} must be a duration like 5s, 500ms or 2min (0 = no limit), got ${JSON.stringify(value)}`,
    );
  return n;
}

/** Progress of the runner on stderr (stdout stays data). */
export function logMigratorEvent(event: MigratorEvent): void {
  switch (event.type) {
    case 'applied':
      info(
        `${event.total ? c.dim(`[${event.index}/${event.total}] `) : ''}${c.ok('✓')} ${event.name} ${c.dim(ms(event.ms))}`,
      );
      break;
    case 'failed':
      info(
        `${event.total ? c.dim(`[${event.index}/${event.total}] `) : ''}${c.err('✗')} ${event.name} ${c.dim(ms(event.ms))}`,
      );
      break;
    case 'retrying':
      info(c.warn(event.message));
      break;
    case 'waiting-for-lock':
      info(c.warn(event.message));
      break;
    case 'warning':
      info(`${c.warn('warning')} ${event.message}`);
      break;
    case 'filling':
      info(c.dim(`  filling [${event.index}/${event.total}] ${event.relation} (new version, beside the old one)…`));
      break;
    case 'filled':
      info(`  ${c.ok('filled')} ${event.relation}: ${event.rows.toLocaleString('en-US')} rows ${c.dim(ms(event.ms))}`);
      break;
    case 'swapped':
      info(
        `${c.ok('⇄')} ${event.name}: swapped in ${event.objects.join(', ')} ${c.dim(`(fill ${ms(event.fillMs)}; locks held ${ms(event.lockMs)})`)}`,
      );
      break;
  }
}
