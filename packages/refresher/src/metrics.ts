import type pg from 'pg';
import { mvStaleness } from './staleness.ts';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface RefreshMetrics {
  duration: Histogram<'mv' | 'mode' | 'strategy' | 'outcome'>;
  failures: Counter<'mv' | 'mode'>;
  retries: Counter<'mv'>;
  lastSuccess: Gauge<'mv'>;
}

/** Seconds; the default buckets stop at 10 s, MV refreshes can take minutes. */
export const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

const cache = new WeakMap<Registry, RefreshMetrics>();

/** The refresher's metrics on `registry`, registered once per registry. */
export function refreshMetrics(registry: Registry): RefreshMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: RefreshMetrics = {
    duration: new Histogram({
      name: 'mv_refresh_duration_seconds',
      help: 'Duration of one MV refresh (all attempts), by strategy (full | incremental) and outcome',
      labelNames: ['mv', 'mode', 'strategy', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    failures: new Counter({
      name: 'mv_refresh_failures_total',
      help: 'MV refreshes that failed after all attempts',
      labelNames: ['mv', 'mode'],
      registers,
    }),
    retries: new Counter({
      name: 'mv_refresh_retries_total',
      help: 'Retried MV refresh attempts (transient errors)',
      labelNames: ['mv'],
      registers,
    }),
    lastSuccess: new Gauge({
      name: 'mv_last_success_timestamp_seconds',
      help: 'Unix time of the last successful refresh of the MV',
      labelNames: ['mv'],
      registers,
    }),
  };
  cache.set(registry, metrics);
  return metrics;
}

const stalenessCache = new WeakMap<Registry, Gauge<'mv'>>();

/**
 * `warehouse_mv_staleness_seconds{mv}`, computed from the database at each scrape (staleness.ts),
 * and `warehouse_mv_over_target{mv}` (1 when past the freshness target). Registered once per registry.
 */
export function stalenessMetrics(registry: Registry, db: Pick<pg.Pool, 'query'>): Gauge<'mv'> {
  const existing = stalenessCache.get(registry);
  if (existing) return existing;
  const gauge = new Gauge({
    name: 'warehouse_mv_staleness_seconds',
    help: 'Seconds the MV is behind the latest change of its inputs (0 when refreshed since)',
    labelNames: ['mv'],
    registers: [registry],
    async collect() {
      const rows = await mvStaleness(db);
      this.reset();
      over.reset();
      for (const s of rows.values()) {
        this.set({ mv: s.mv }, s.stalenessSeconds);
        over.set({ mv: s.mv }, s.overTarget ? 1 : 0);
      }
    },
  });
  // Registered after the staleness gauge, whose collect() fills it in the same scrape.
  const over = new Gauge({
    name: 'warehouse_mv_over_target',
    help: '1 when the MV is staler than its freshness target',
    labelNames: ['mv'],
    registers: [registry],
  });
  stalenessCache.set(registry, gauge);
  return gauge;
}
