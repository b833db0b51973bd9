import type { EnqueueRefresh } from './process.ts';

/**
 * The coalesced MV refresh job as docs/design.md specifies it (task `mv_refresh`, one job key per
 * csv_type, mode replace), added inside the caller's transaction.
 */
export const enqueueRefreshJob: EnqueueRefresh = (client, { csvType, trigger }) =>
  client.query(
    `SELECT graphile_worker.add_job('mv_refresh', json_build_object('csvType', $1::text, 'trigger', $2::text),
       job_key => 'mv_refresh:' || $1::text, job_key_mode => 'replace')`,
    [csvType, trigger],
  );
