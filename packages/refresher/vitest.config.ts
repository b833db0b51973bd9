import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // @warehouse/db/testing/global-setup, by path: vitest resolves globalSetup relative to the root.
    globalSetup: ['../db/src/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    include: ['test/**/*.test.ts'],
  },
});
