import { coverageFloor, longestFirst, warehouseVitest } from '@warehouse/vitest-config';

/**
 * Two workers: most CLI tests wait on PostgreSQL and on the tools the commands start (pg_dump,
 * psql), so two files at a time use the 2 cores better than one. Every file makes its own
 * databases; the cluster-wide objects they touch (roles) are created idempotently.
 * Without isolation, as the preset: a worker imports the scripts' module graph (db, pg, migrator,
 * Prisma's schema engine) once and runs file after file. The engine files (db-check,
 * migrate-new-id) needed a process each until the engine's glue was loaded once per process
 * (loadWasmEngine in @warehouse/migrate, 2026-12-07).
 */
export default warehouseVitest(import.meta.url, {
  // Floor just under 2026-12-07's figures: 77.9 % statements, 68.1 % branches, 78.4 % functions, 78.8 % lines.
  test: {
    maxWorkers: 2,
    coverage: coverageFloor({ statements: 76, branches: 67, functions: 77, lines: 77 }),
    // entry-points (a real process per script) is the longest file and the 24th by size: first.
    sequence: {
      sequencer: longestFirst([
        'test/entry-points.test.ts',
        'test/guard-matrix.test.ts',
        'test/conn-agreement.test.ts',
      ]),
    },
  },
});
