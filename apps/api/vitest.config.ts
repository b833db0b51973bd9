import { coverageFloor, longestFirst, warehouseVitest } from '@warehouse/vitest-config';

// Floor under the runs of 2026-12-07 (CI 87.2 / 81.45 / 87.16 / 88.43 %, alone 86.89 / 81.11 / 87.16 / 88.07 %:
// the timing-dependent paths move it by ~0.4 points, so the floor keeps 1.5–2 points of room).
// Two workers: most files wait (on PostgreSQL, on the processes they start, on the worker's polling):
// one file at a time used ~0.6 of a core (190 CPU-s in 317 s on 2026-12-07).
export default warehouseVitest(import.meta.url, {
  test: {
    maxWorkers: 2,
    coverage: coverageFloor({ statements: 85, branches: 79, functions: 85, lines: 86 }),
    // The longest files (each starts processes or restarts a database) are among the smallest, so
    // by vitest's size order they started last and ended the run alone.
    sequence: {
      sequencer: longestFirst([
        'test/db-outage.test.ts',
        'test/shutdown.test.ts',
        'test/multi-process.test.ts',
        'test/role-matrix.test.ts',
        'test/crash-recovery.test.ts',
      ]),
    },
  },
});
