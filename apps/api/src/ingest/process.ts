import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { DecodeState } from './decode.ts';
import { IngestRejected, type RowError } from './errors.ts';
import { isCsvType, isFlavour, type CsvType } from './kinds.ts';
import type { DateWindow } from './validate.ts';
import { recordFailure } from './upload-errors.ts';
import { Held, landUpload, periodOf, ymd, type LandingUpload } from './land.ts';
import { alertUpload, reportHeld, reportOutcome, reportRejected } from './report.ts';
import type { IngestMetrics } from '../metrics.ts';
import { withPoolClient, withTransaction } from '@warehouse/db/pg';
import { writeAudit, type Actor } from '@warehouse/db/accounts';
import { UPLOAD_STATUS } from '@warehouse/db/kinds';
import {
  claimUpload,
  earlierUnlanded,
  getUpload,
  markFailed,
  markHeld,
  statusOf,
  waitForAccepts,
} from '@warehouse/db/uploads';

export type { Period } from './land.ts';

export type EnqueueRefresh = (client: pg.PoolClient, job: { csvType: CsvType; trigger: string }) => Promise<unknown>;

export interface IngestDeps {
  pool: pg.Pool;
  logger: Logger;
  /** Row errors kept in log.upload_error (the file is still scanned to its end). */
  maxErrors: number;
  /** Of those, how many the upload's `errors` summary repeats (default 50). */
  errorSummary?: number;
  /** Plausible slip dates; outside them a row is an error (config.ts dateWindow). */
  dateWindow?: DateWindow;
  metrics?: IngestMetrics;
  /** Adds the coalesced MV refresh inside the ingest transaction. */
  enqueueRefresh: EnqueueRefresh;
  /**
   * Shrink guard: an unconfirmed upload that keeps fewer than this percentage of the rows it
   * supersedes is held instead of landing (0 turns the guard off).
   */
  shrinkGuardPercent?: number;
  /**
   * Alert on the upload's new state at once (the refresher's syncUploadIncidents): failed or held
   * opens an incident, a landed re-send resolves the failed one's. Errors are logged, not thrown:
   * the upload is already marked, and the watch's next pass alerts instead.
   */
  alertUpload?: (uploadId: number) => Promise<unknown>;
}

/** What a landed (or held) upload did. */
export interface IngestEffect {
  rowsAdded: number;
  rowsSuperseded: number;
  datesTouched: { count: number; first: string | null; last: string | null };
}

export type IngestOutcome =
  | ({
      status: typeof UPLOAD_STATUS.success;
      uploadId: number;
      rowCount: number;
      dateFrom: string | null;
      dateTo: string | null;
      encoding: string;
    } & IngestEffect)
  | ({ status: typeof UPLOAD_STATUS.held; uploadId: number; reason: string } & IngestEffect)
  | { status: typeof UPLOAD_STATUS.failed; uploadId: number; reason: string; errors: RowError[] }
  | { status: 'skipped'; uploadId: number; reason: string };

/** Who holds an upload in log.audit_event: the ingest worker's shrink guard, not a person. */
export const INGEST_ACTOR: Actor = { type: 'system', id: null, name: 'ingest worker (shrink guard)' };

/**
 * The ingest job: land one pending upload in raw and stg, all or nothing, and enqueue the MV
 * refresh — one transaction. The current rows of its kind and flavour on the file's dates (or on
 * every date of a stated period) are superseded: moved to the stg table's history table, so a
 * revert can bring them back. An unconfirmed upload that would keep too few of the rows it
 * supersedes is held instead (nothing lands). Idempotent: an upload not pending/processing is
 * skipped, so a retried job lands the file once.
 */
export async function processUpload(deps: IngestDeps, uploadId: number): Promise<IngestOutcome> {
  const { pool, logger } = deps;
  const started = performance.now();
  const claim = await claimUpload(pool, uploadId);
  if (!claim) {
    const status = await statusOf(pool, uploadId);
    const reason = status ? `upload ${uploadId} is already ${status}` : `upload ${uploadId} does not exist`;
    logger.info({ uploadId }, reason);
    return { status: 'skipped', uploadId, reason };
  }
  const { csvType: kind, flavour, sha256: sha } = claim;
  if (!isCsvType(kind) || !isFlavour(flavour))
    throw new Error(`upload ${uploadId} has csv_type=${kind} flavour=${flavour}, which this API does not know`);
  const period = periodOf(claim.periodFrom, claim.periodTo);
  const decode: DecodeState = {};
  const landing: LandingUpload = { uploadId, kind, flavour, sha, confirmed: claim.confirmed, period };
  let outcome: IngestOutcome;
  try {
    outcome = await withPoolClient(pool, (client) =>
      withTransaction(client, () => landUpload(deps, client, landing, decode)),
    );
  } catch (error) {
    if (error instanceof Held) {
      const { effect, load } = error;
      // The hold and its audit row in one transaction (nothing of the file landed: that one rolled back).
      await withPoolClient(pool, (client) =>
        withTransaction(client, async () => {
          const held = await markHeld(client, uploadId, {
            encoding: decode.encoding ?? null,
            rowCount: load.rows,
            dateFrom: ymd(load.minDate),
            dateTo: ymd(load.maxDate),
            rowsAdded: effect.rowsAdded,
            rowsSuperseded: effect.rowsSuperseded,
            datesTouched: effect.datesTouched.count,
            touchedFirst: effect.datesTouched.first,
            touchedLast: effect.datesTouched.last,
            reason: error.reason,
          });
          if (held)
            await writeAudit(client, {
              actor: INGEST_ACTOR,
              action: 'upload.held',
              objectType: 'upload',
              objectId: uploadId,
              after: {
                reason: error.reason,
                rowsAdded: effect.rowsAdded,
                rowsSuperseded: effect.rowsSuperseded,
                datesTouched: effect.datesTouched.count,
              },
            });
        }),
      );
      await reportHeld(deps, landing, error.reason, started);
      return { status: UPLOAD_STATUS.held, uploadId, reason: error.reason, ...effect };
    }
    if (!(error instanceof IngestRejected)) throw error;
    await recordFailure(pool, {
      uploadId,
      encoding: decode.encoding ?? null,
      message: error.message,
      code: error.code,
      params: error.params,
      errors: error.errors,
      rowCount: error.rowCount,
      summary: deps.errorSummary ?? 50,
    });
    await reportRejected(deps, landing, error, started);
    return { status: UPLOAD_STATUS.failed, uploadId, reason: error.message, errors: error.errors };
  }
  await reportOutcome(deps, landing, outcome, started);
  return outcome;
}

/**
 * What an ingest job runs: uploads of one kind+flavour land in upload-id order, so the later one
 * wins. First wait until no request of this kind is still storing a file (its id may be lower and
 * not visible yet), then land every earlier pending upload of the kind+flavour, then this one.
 * (The job queue per kind+flavour already runs one job at a time; job order alone can differ from
 * id order when two requests commit in the other order.)
 */
export async function processInOrder(deps: IngestDeps, uploadId: number): Promise<IngestOutcome> {
  const u = await getUpload(deps.pool, uploadId);
  if (u && (u.status === UPLOAD_STATUS.pending || u.status === UPLOAD_STATUS.processing)) {
    await withPoolClient(deps.pool, (client) => waitForAccepts(client, u.csvType));
    for (const earlier of await earlierUnlanded(deps.pool, u.csvType, u.flavour, uploadId)) {
      deps.logger.info({ uploadId, earlier }, 'landing an earlier upload of the same kind and flavour first');
      await processUpload(deps, earlier);
    }
  }
  return processUpload(deps, uploadId);
}

/** Mark an upload failed after its job used up its attempts on internal errors, and alert on it. */
export async function markGaveUp(
  deps: Pick<IngestDeps, 'pool' | 'logger' | 'alertUpload'>,
  uploadId: number,
  attempts: number,
  error: unknown,
): Promise<void> {
  await markFailed(deps.pool, uploadId, {
    code: 'E_PROCESSING_FAILED',
    params: { attempts },
    message: `processing failed ${attempts} time(s) with an internal error (${error instanceof Error ? error.message : String(error)}); the original bytes are kept — reprocess after fixing the cause`,
  });
  await alertUpload(deps, uploadId);
}
