import { c, info } from './output.ts';

/**
 * Refresh, through the refresher, every MV left unpopulated (created WITH NO DATA by a migration,
 * or by a schema-only snapshot), in graph order, and say so. Returns false when a critical MV failed.
 */
export async function populateAfterMigrate(url: string, trigger: string): Promise<boolean> {
  // Loaded here, not at the top: the refresher brings graphile-worker, which `--help` and usage
  // errors of db:migrate, db:init-from-snapshot and db:rebuild do not need.
  const { createLogger, populateMvs } = await import('@warehouse/refresher');
  const r = await populateMvs({ url, trigger, logger: createLogger({ level: 'warn' }), countRows: false });
  if (!r) return true;
  const failed = r.result.results.filter((x) => x.status !== 'refreshed');
  info(
    `${failed.length ? c.warn('populated') : c.ok('populated')} ${r.result.results.length - failed.length} of ${r.result.results.length} materialized view(s) (unpopulated: ${r.mvs.join(', ')}; refreshed in graph order with what reads them)`,
  );
  for (const f of failed)
    info(`${c.err(f.status)} ${f.mv}: ${f.error ?? ''} — run \`pnpm mv:refresh ${f.mv}\` once fixed`);
  return r.result.outcome !== 'failed';
}
