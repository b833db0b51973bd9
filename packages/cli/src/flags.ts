/**
 * The flags several commands share, and the checks of their values that need nothing but the
 * value. Light on purpose (node:path and @warehouse/command only): a script declares its flags
 * from here before it parses argv, so its `--help` and usage errors load no database driver,
 * migrator or refresher — those are imported inside the command's `run`.
 */
import path from 'node:path';
import { CliError, type FlagSpec } from '@warehouse/command';

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

/** How long db:migrate and its family wait for the migration lock. */
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

/** Flags every destructive command takes. */
export const guardFlags = {
  yes: {
    type: 'boolean',
    short: 'y',
    description: 'skip the countdown on non-local envs (vm_stg); not enough for protected envs',
  },
  force: { type: 'boolean', description: 'allow a protected env (vm_prod); FORCE=1 does the same' },
  confirm: {
    type: 'string',
    placeholder: 'NAME',
    description: 'the env name, typed in advance (needed for a protected env without a terminal)',
  },
} as const satisfies Record<string, FlagSpec>;

/** The `--file` flag of the commands that apply the snapshot (db:init-from-snapshot, db:rebuild). */
export const snapshotFileFlag = {
  type: 'string',
  placeholder: 'FILE',
  description: 'the snapshot (default packages/db/sql/schema_head.sql)',
} as const satisfies FlagSpec;

/** `--overwrite` of `db:seed` and `demo:data --reference`. */
export const overwriteFlag = {
  type: 'boolean',
  description:
    'replace calendar rows and targets that differ from the generated ones (typed targets included); guarded like db:reset, backs them up first',
} as const satisfies FlagSpec;

/** --id N of the upload commands. */
export const uploadIdFlag = {
  type: 'string',
  placeholder: 'N',
  description: 'the upload id (from POST /upload/csv or GET /uploads)',
} as const satisfies FlagSpec;

export function parseUploadId(raw: string | undefined): number {
  if (raw === undefined) throw new CliError('E_USAGE', 'say which upload: --id N (GET /uploads lists them)');
  if (!/^\d{1,15}$/.test(raw))
    throw new CliError('E_USAGE', `--id ${JSON.stringify(raw)} is not an upload id (a whole number)`);
  return Number(raw);
}

/** `--email E` of the users:* commands. */
export const emailFlag = {
  type: 'string',
  placeholder: 'E',
  description: 'the person’s email address (their sign-in name)',
} as const satisfies FlagSpec;

/** `--as NAME`: who acts, for the audit log (users:*, upload:*). */
export const asFlag = {
  type: 'string',
  placeholder: 'NAME',
  description: 'who is acting, for the audit log (default: your OS user name)',
} as const satisfies FlagSpec;

/** `--password-stdin` of users:create and users:reset-password. */
export const passwordStdinFlag = {
  type: 'boolean',
  description: 'read the password from stdin (first line) instead of generating a one-time one',
} as const satisfies FlagSpec;

export function requireEmail(email: string | undefined): string {
  if (!email) throw new CliError('E_USAGE', 'say whose account: --email name@example.com');
  return email;
}
