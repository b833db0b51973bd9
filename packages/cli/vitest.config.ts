import { coverageFloor, warehouseVitest } from '@warehouse/vitest-config';

/**
 * Two workers: most CLI tests wait on PostgreSQL and on the tools the commands start (pg_dump,
 * psql), so two files at a time use the 2 cores better than one. Every file makes its own
 * databases; the cluster-wide objects they touch (roles) are created idempotently.
 */
export default warehouseVitest(import.meta.url, {
  test: { maxWorkers: 2, coverage: coverageFloor({ statements: 0, branches: 0, functions: 0, lines: 0 }) },
});
