import { defineConfig } from 'vitest/config';
import { coverageFloor } from '@warehouse/vitest-config';

// No database here: this package only holds and fills texts; the preset's global setup (an embedded
// PostgreSQL) would only cost time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    coverage: coverageFloor({ statements: 95, branches: 95, functions: 95, lines: 95 }),
  },
});
