import {
  FILE_SCOPE_SETUP,
  HOOK_TIMEOUT_MS,
  TEST_TIMEOUT_MS,
  coverageFloor,
  warehouseVitest,
} from '@warehouse/vitest-config';

/**
 * Two workers: most CLI tests wait on PostgreSQL and on the tools the commands start (pg_dump,
 * psql), so two files at a time use the 2 cores better than one. Every file makes its own
 * databases; the cluster-wide objects they touch (roles) are created idempotently.
 *
 * Two projects, one cluster: the preset's global setup runs once, in the root config, and both
 * projects inherit the `pgAdminUrl` it provides (inline projects do not extend the root here, so
 * they do not run it again).
 * - `cli`: without isolation, like the preset: a worker imports the scripts' module graph (db,
 *   pg, migrator) once and runs file after file, instead of a fresh process importing it per file.
 * - `cli-engine`: isolated (a fresh worker process per file): db:check and db:migrate:new run
 *   Prisma's schema engine (WASM) in-process, loaded once per process, and a second file using it
 *   in the same process hangs (seen in packages/db, 2026-12-07).
 */
const ENGINE_FILES = ['test/db-check.test.ts', 'test/migrate-new-id.test.ts'];
const shared = { testTimeout: TEST_TIMEOUT_MS, hookTimeout: HOOK_TIMEOUT_MS, setupFiles: [FILE_SCOPE_SETUP] };

export default warehouseVitest(import.meta.url, {
  // Floor just under 2026-12-07's figures: 77.9 % statements, 68.1 % branches, 78.4 % functions, 78.8 % lines.
  test: {
    maxWorkers: 2,
    coverage: coverageFloor({ statements: 76, branches: 67, functions: 77, lines: 77 }),
    projects: [
      { test: { ...shared, name: 'cli', include: ['test/**/*.test.ts'], exclude: ENGINE_FILES, isolate: false } },
      { test: { ...shared, name: 'cli-engine', include: ENGINE_FILES, isolate: true } },
    ],
  },
});
