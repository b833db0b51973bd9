import { existsSync } from 'node:fs';
import path from 'node:path';
import { coverageFloor, longestFirst, warehouseVitest } from '@warehouse/vitest-config';

/**
 * Debian's psql, pg_dump and pg_restore in /usr/bin are one Perl script (pg_wrapper) that picks a
 * version and execs /usr/lib/postgresql/<version>/bin/<tool>: about 45 ms of CPU per start before
 * the tool runs (20 `psql --version`: 1.26 CPU-s through the wrapper, 0.44 s direct; 2026-12-07),
 * and the suite starts several hundred (every psql of conn-agreement, every backup, restore and
 * version check of the commands). The tests run the PostgreSQL 15 tools directly, as on a system
 * without the wrapper; the wrapper adds nothing the tests look at (it sets PGSYSCONFDIR, where
 * libpq finds pg_service.conf, and the toolkit refuses connection services).
 */
const debianTools = '/usr/lib/postgresql/15/bin';
const PATH = existsSync(path.join(debianTools, 'psql'))
  ? `${debianTools}${path.delimiter}${process.env.PATH ?? ''}`
  : process.env.PATH;

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
    env: PATH === undefined ? {} : { PATH },
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
