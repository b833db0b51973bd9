import pg from 'pg';
import { CliError, EXIT } from '@warehouse/command';
import { getEnvironment, loadRegistry } from '@warehouse/env';
import { UploadOpError } from '@warehouse/db/uploads';
import { guardForCommand, known } from './destructive.ts';
import { withEnv } from './env.ts';
import { printJson } from './output.ts';

/** Resolve (or open) the upload's alert incident now rather than at the watch's next pass. */
async function syncAlerts(url: string, uploadId: number): Promise<void> {
  // Loaded here, not at the top: the refresher brings graphile-worker, which the upload commands'
  // `--help` and usage errors do not need.
  const { createLogger, syncUploadIncidents } = await import('@warehouse/refresher');
  const pool = new pg.Pool({ connectionString: url, max: 1, application_name: 'warehouse-upload-alerts' });
  pool.on('error', () => {});
  try {
    await syncUploadIncidents(pool, { logger: createLogger({ level: 'warn' }) }, { uploadId });
  } finally {
    await pool.end().catch(() => {});
  }
}

/**
 * The shared body of `upload:revert`, `upload:confirm` and `upload:purge`: resolve the env, pass the
 * guard (unless `guard: false`, for a run that changes nothing such as `upload:purge --dry-run`),
 * open one connection, run the library operation, and turn its typed refusal into a CLI error
 * (exit 1, nothing changed).
 *
 * @example
 * return runUploadOperation({ flags, action: `revert upload ${id}`, applicationName: 'warehouse-upload-revert',
 *   operation: (client) => revertUpload(client, id, { enqueueRefresh }), report: (r) => info(`reverted ${r.id}`) });
 */
export async function runUploadOperation<T>(opts: {
  flags: { env: string; json?: boolean; yes?: boolean; force?: boolean; confirm?: string };
  action: string;
  /** Pass the destructive-command guard first (default true). */
  guard?: boolean;
  applicationName: string;
  operation: (client: pg.Client) => Promise<T>;
  report: (result: T) => void;
  /** The upload whose alert incident to update after the operation (a confirmed held upload resolves it). */
  alertUploadId?: number;
}): Promise<number> {
  const { flags } = opts;
  const registry = loadRegistry();
  const env = getEnvironment(flags.env, registry);
  return withEnv(
    env.name,
    async (db, identity) => {
      if (opts.guard !== false)
        await guardForCommand({
          action: opts.action,
          env,
          url: db.url,
          registry,
          flags,
          known: known(db, identity),
        });
      const client = new pg.Client({ connectionString: db.url, application_name: opts.applicationName });
      client.on('error', () => {});
      await client.connect();
      try {
        const result = await opts.operation(client);
        if (opts.alertUploadId !== undefined) await syncAlerts(db.url, opts.alertUploadId);
        if (flags.json) printJson(result);
        else opts.report(result);
        return EXIT.ok;
      } catch (error) {
        if (error instanceof UploadOpError) throw new CliError('E_FAILED', `${error.code}: ${error.message}`);
        throw error;
      } finally {
        await client.end().catch(() => {});
      }
    },
    { registry, quiet: flags.json },
  );
}

/** UPLOAD_FAILED_RETENTION_DAYS (default 30): the age `upload:purge` uses without --failed-older-than. */
export function failedRetentionDays(vars: NodeJS.ProcessEnv = process.env): number {
  const raw = vars.UPLOAD_FAILED_RETENTION_DAYS;
  const days = raw === undefined || raw === '' ? 30 : Number(raw);
  if (!Number.isInteger(days) || days < 0) {
    throw new CliError(
      'E_USAGE',
      `UPLOAD_FAILED_RETENTION_DAYS must be a whole number of days ≥ 0, got ${JSON.stringify(raw)}; unset it to use the default 30`,
    );
  }
  return days;
}
