import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['@warehouse/db/testing/global-setup'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    include: ['test/**/*.test.ts'],
  },
});
