import { coverageFloor, longestFirst, warehouseVitest } from '@warehouse/vitest-config';

// Without isolation, as the preset: a worker imports the module graph (and compiles Prisma's schema
// engine WASM) once and runs file after file. It needs one engine instance per process, which
// loadWasmEngine (src/engine/wasm.ts) keeps: a second instance, made by scripts/init-sql.ts until
// 2026-12-07, hung every later engine call of the process (engine.test after migrations.test).
// Two workers: each file has its own databases (roles it creates have unique names or are created
// idempotently), and a file often waits on PostgreSQL or on the Prisma CLI it starts.
export default warehouseVitest(import.meta.url, {
  test: {
    maxWorkers: 2,
    // Floor just under its figures when it was split from packages/db (2026-12-07): 84.3 % statements,
    // 73.2 % branches, 82.2 % functions, 85.4 % lines.
    coverage: coverageFloor({ statements: 83, branches: 72, functions: 81, lines: 84 }),
    // The real Prisma CLI's file is the longest and the 9th by size: first.
    sequence: { sequencer: longestFirst(['test/engine-prisma-cli.test.ts']) },
  },
});
