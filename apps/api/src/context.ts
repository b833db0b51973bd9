/**
 * What every route receives from build(): the pool, configuration and metrics. Its own module so
 * that routes import it without importing app.ts, which imports every route (no circle).
 */
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { ApiConfig } from './config.ts';
import type { IngestMetrics } from './metrics.ts';

export interface AppContext {
  pool: pg.Pool;
  databaseUrl: string;
  config: ApiConfig;
  registry: Registry;
  metrics: IngestMetrics;
}
