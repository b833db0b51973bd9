import { defineConfig } from 'vitest/config';
import { coverageFloor, FILE_SCOPE_SETUP } from '@warehouse/vitest-config';

// No database here: this package parses arguments and prints; the preset's global setup
// (an embedded PostgreSQL) would only cost time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // As the preset: one worker process for all files; FILE_SCOPE_SETUP puts back env and cwd after each.
    isolate: false,
    setupFiles: [FILE_SCOPE_SETUP],
    coverage: coverageFloor({ statements: 57, branches: 59, functions: 56, lines: 60 }),
  },
});
