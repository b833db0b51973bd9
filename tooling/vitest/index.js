// @ts-check
/**
 * The one vitest preset of the repo. Every package's vitest.config.ts is
 * `export default warehouseVitest(import.meta.url)` (plus overrides where a package needs them).
 * Plain JavaScript (types in index.d.ts): vitest loads a config's imports from node_modules with
 * Node itself, which cannot run TypeScript on Node 20.
 *
 * - Global setup `@warehouse/db/testing/global-setup`: one embedded PostgreSQL 15 per run,
 *   provided to tests as `inject('pgAdminUrl')`; every test file makes its own database. The
 *   run's temporary files all go under one folder of $TMPDIR that the setup deletes at the end.
 * - Timeouts suit a real database on a small, shared machine: a test may take two minutes, a
 *   hook (creating a migrated template database) three.
 */
import { createRequire } from 'node:module';
import { defineConfig, mergeConfig } from 'vitest/config';

export const TEST_TIMEOUT_MS = 120_000;
export const HOOK_TIMEOUT_MS = 180_000;

/**
 * @param {string} configUrl `import.meta.url` of the package's vitest.config.ts; the global setup
 *   is resolved from that package (it depends on `@warehouse/db`; `@warehouse/db` resolves itself).
 * @param {import('vitest/config').ViteUserConfig} [overrides]
 * @returns {import('vitest/config').ViteUserConfig}
 */
export function warehouseVitest(configUrl, overrides = {}) {
  const globalSetup = createRequire(configUrl).resolve('@warehouse/db/testing/global-setup');
  const preset = defineConfig({
    test: {
      globalSetup: [globalSetup],
      testTimeout: TEST_TIMEOUT_MS,
      hookTimeout: HOOK_TIMEOUT_MS,
      include: ['test/**/*.test.ts'],
    },
  });
  return mergeConfig(preset, overrides);
}
