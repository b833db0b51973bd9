import { defineConfig } from 'vitest/config';
import { coverageFloor } from '@warehouse/vitest-config';

// No database here: this package parses arguments and prints; the preset's global setup
// (an embedded PostgreSQL) would only cost time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    coverage: coverageFloor({ statements: 57, branches: 59, functions: 56, lines: 60 }),
  },
});
