/**
 * Reporting an upload's outcome once the landing transaction has ended: the ingest metrics, the
 * log line and the upload's alert (raised for failed or held, cleared by a landed re-send).
 */
import { performance } from 'node:perf_hooks';
import { UPLOAD_STATUS } from '@warehouse/db/kinds';
import type { IngestRejected } from './errors.ts';
import type { LandingUpload } from './land.ts';
import type { IngestDeps, IngestOutcome } from './process.ts';

type ReportDeps = Pick<IngestDeps, 'logger' | 'metrics' | 'alertUpload'>;

/** Raise (or clear) the upload's alert now; never fails the job that already marked the upload. */
export async function alertUpload(deps: Pick<IngestDeps, 'alertUpload' | 'logger'>, uploadId: number): Promise<void> {
  if (!deps.alertUpload) return;
  try {
    await deps.alertUpload(uploadId);
  } catch (error) {
    deps.logger.error({ err: error, uploadId }, 'alerting on the upload failed; the watch will alert within a minute');
  }
}

/** Held by the shrink guard (the upload is already marked held). */
export async function reportHeld(deps: ReportDeps, u: LandingUpload, reason: string, started: number): Promise<void> {
  const { uploadId, kind, flavour } = u;
  deps.metrics?.duration.observe({ csv_type: kind, outcome: UPLOAD_STATUS.held }, (performance.now() - started) / 1000);
  deps.logger.warn({ uploadId, kind, flavour, reason }, 'upload held');
  await alertUpload(deps, uploadId);
}

/** Refused for its content (the upload is already marked failed with its errors). */
export async function reportRejected(
  deps: ReportDeps,
  u: LandingUpload,
  error: IngestRejected,
  started: number,
): Promise<void> {
  const { uploadId, kind, flavour } = u;
  deps.metrics?.rejected.inc({ csv_type: kind, stage: 'process' });
  deps.metrics?.duration.observe(
    { csv_type: kind, outcome: UPLOAD_STATUS.failed },
    (performance.now() - started) / 1000,
  );
  deps.logger.info({ uploadId, kind, flavour, code: error.code, reason: error.message }, 'upload rejected');
  await alertUpload(deps, uploadId);
}

/** Landed (metrics, the log line, a re-sent file resolves the failed upload's alert) or skipped. */
export async function reportOutcome(
  deps: ReportDeps,
  u: LandingUpload,
  outcome: IngestOutcome,
  started: number,
): Promise<void> {
  const { uploadId, kind, flavour, period } = u;
  if (outcome.status === UPLOAD_STATUS.success) {
    const seconds = (performance.now() - started) / 1000;
    deps.metrics?.rows.inc({ csv_type: kind }, outcome.rowCount);
    deps.metrics?.duration.observe({ csv_type: kind, outcome: UPLOAD_STATUS.success }, seconds);
    deps.logger.info(
      {
        uploadId,
        kind,
        flavour,
        rows: outcome.rowCount,
        rowsAdded: outcome.rowsAdded,
        rowsSuperseded: outcome.rowsSuperseded,
        datesTouched: outcome.datesTouched,
        period: period?.text ?? null,
        dateFrom: outcome.dateFrom,
        dateTo: outcome.dateTo,
        seconds,
      },
      'upload landed',
    );
    await alertUpload(deps, uploadId); // a re-sent file resolves the failed upload's alert
  } else {
    deps.logger.info({ uploadId }, outcome.status === 'skipped' ? outcome.reason : 'upload done');
  }
}
