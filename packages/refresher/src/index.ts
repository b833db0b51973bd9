export { refresh, refreshAll, refreshForCsvType, refreshRoots, outcomeOf, backoff, systemClock } from './refresh.ts';
export {
  MV_MAPPING,
  MV_SETTINGS,
  CSV_TYPES,
  isCsvType,
  type CsvType,
  type MappedMv,
  type MvSettings,
  type MvMapping,
} from './mapping.ts';
export { loadGraph, withDownstream, topoOrder, normalizeName, type MvGraph, type MvNode } from './graph.ts';
export { chooseMode, quoteName, REASON_FORCED, REASON_NO_UNIQUE_INDEX, REASON_NOT_POPULATED } from './mode.ts';
export { mvStatus, type MvStatusRow } from './status.ts';
export { refreshMetrics, stalenessMetrics, DURATION_BUCKETS, type RefreshMetrics } from './metrics.ts';
export { configFromEnv, DEFAULT_CONFIG, CONFIG_VARIABLES, type RefresherConfig } from './config.ts';
export { RefresherError, isTransient, type RefresherErrorCode } from './errors.ts';
export { LOG_TABLE, mvHistory, type HistoryEntry } from './history.ts';
export {
  TASK_IDENTIFIER,
  QUEUE_NAME,
  enqueueRefresh,
  JOB_KEY,
  parsePayload,
  createRefreshTask,
  refreshTaskList,
  runRefreshWorker,
  installWorkerSchema,
  handlePoolErrors,
  workerLogger,
  type RefreshRequest,
  type RefreshJobPayload,
  type EnqueueOptions,
  type RefreshTaskOptions,
  type RefreshWorkerOptions,
} from './worker.ts';
export type { Clock, MvResult, Outcome, RefreshMode, RefreshOptions, RefreshResult, MvStatusValue } from './types.ts';
export { createLogger } from './logger.ts';
export { withLiveness, sweepDeadJobs, JOB_LIVENESS_CLASS } from './liveness.ts';
export { mvStaleness, csvTypesByMv, type MvStaleness, type StalenessOptions } from './staleness.ts';
export {
  ALERT_TASK,
  openIncident,
  resolveIncident,
  alertRefreshResult,
  createAlertTask,
  type Alert,
  type AlertBody,
  type AlertKind,
  type AlertOptions,
} from './alerts.ts';
export {
  NIGHTLY_TASK,
  WATCH_TASK,
  refresherCronItems,
  localTimeMatcher,
  applyRetention,
  createNightlyTask,
  createWatchTask,
  watchOnce,
  type RetentionResult,
  type ScheduleTaskOptions,
} from './schedule.ts';
export { syncUploadIncidents } from './upload-alerts.ts';
export { populateMvs, unpopulatedMvs, mvsReading, type PopulateOptions } from './populate.ts';
export {
  loadIncrementalTables,
  applyKeys,
  applyFull,
  verifyIncremental,
  uploadIdsOf,
  touchedKeys,
  type IncrementalTable,
  type Strategy,
  type KeyDifference,
  type VerifyResult,
} from './incremental.ts';
export { verifyTables, nightlyVerify, type VerifyOptions, type VerifyReport } from './verify.ts';
