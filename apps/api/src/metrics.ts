import { Counter, Histogram, Registry } from 'prom-client';

export interface IngestMetrics {
  registry: Registry;
  rows: Counter<'csv_type'>;
  rejected: Counter<'csv_type' | 'stage'>;
  duration: Histogram<'csv_type' | 'outcome'>;
}

/** The API's own metrics in a registry of their own (one per app instance, so tests can build many). */
export function createIngestMetrics(registry = new Registry()): IngestMetrics {
  return {
    registry,
    rows: new Counter({
      name: 'ingest_rows_total',
      help: 'CSV data rows landed in stg',
      labelNames: ['csv_type'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'ingest_rejected_files_total',
      help: 'Uploaded files refused, at accept time (stage=accept) or by the ingest job (stage=process)',
      labelNames: ['csv_type', 'stage'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'ingest_duration_seconds',
      help: 'Time of one ingest job from claim to commit',
      labelNames: ['csv_type', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
  };
}
