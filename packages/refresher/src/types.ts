import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { RefresherConfig } from './config.ts';
import type { MvMapping, MvSettings } from './mapping.ts';

export type RefreshMode = 'concurrent' | 'plain';
export type MvStatusValue = 'refreshed' | 'failed' | 'skipped';
export type Outcome = 'ok' | 'degraded' | 'failed';

export interface MvResult {
  mv: string;
  mode: RefreshMode;
  status: MvStatusValue;
  ms: number;
  attempts: number;
  critical: boolean;
  /** Why the mode is plain, or why the MV was skipped. */
  reason?: string;
  error?: string;
  rowCount?: number | null;
  /** `full` (REFRESH, or an incremental table rebuilt whole) or `incremental` (only touched keys). */
  strategy?: 'full' | 'incremental';
  /** Incremental tables: keys recomputed (incremental) or found different and rewritten (full). */
  keyCount?: number | null;
}

export interface RefreshResult {
  runId: string;
  trigger: string;
  results: MvResult[];
  outcome: Outcome;
}

/** Time source; tests inject one to drive backoff without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RefreshOptions {
  /** The unit of concurrency: each MV being refreshed holds one client of this pool. */
  pool?: pg.Pool;
  /** Used when no pool is given: a pool of `poolSize` (default: concurrency) is opened and closed. */
  url?: string;
  poolSize?: number;
  logger?: Logger;
  clock?: Clock;
  /** Jitter source in [0, 1). */
  random?: () => number;
  registry?: Registry;
  /** Recorded in the history, e.g. `upload:42`, `cli`. */
  trigger?: string;
  config?: Partial<RefresherConfig>;
  mapping?: MvMapping;
  /** Merged over MV_SETTINGS. */
  settings?: Readonly<Record<string, MvSettings>>;
  /** `plain` forces plain refreshes (benchmarks); default `auto`. */
  mode?: 'auto' | 'plain';
  /** Refresh MVs downstream of the requested ones too (default true). */
  includeDownstream?: boolean;
  /** Count the MV's rows after refreshing, for the history (default true). */
  countRows?: boolean;
  /** Rebuild incremental tables whole whatever the trigger (`pnpm mv:refresh --full`); default false. */
  full?: boolean;
  /** Criticality of MVs named explicitly in `refresh(names)` (default true). */
  critical?: boolean;
}
