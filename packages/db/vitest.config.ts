import { coverageFloor, warehouseVitest } from '@warehouse/vitest-config';

// Isolated (a fresh worker process per file), unlike the preset: Prisma's schema engine (WASM) is
// loaded once per process, and a second file using it in the same process hung (engine.test.ts after
// migrations.test.ts, 2026-12-07).
// Two workers: each file has its own databases (roles it creates have unique names or are created
// idempotently), and a file often waits on PostgreSQL or on the Prisma CLI it starts.
export default warehouseVitest(import.meta.url, {
  test: {
    maxWorkers: 2,
    isolate: true,
    coverage: coverageFloor({ statements: 74, branches: 65, functions: 71, lines: 75 }),
  },
});
