// @ts-check
/**
 * The one vitest preset of the repo. Every package's vitest.config.ts is
 * `export default warehouseVitest(import.meta.url)` (plus overrides where a package needs them).
 * Plain JavaScript (types in index.d.ts): vitest loads a config's imports from node_modules with
 * Node itself, which cannot run TypeScript on Node 20.
 *
 * - Global setup `@warehouse/migrate/testing/global-setup`: one embedded PostgreSQL 15 per run,
 *   provided to tests as `inject('pgAdminUrl')`; every test file makes its own database. The
 *   run's temporary files all go under one folder of $TMPDIR that the setup deletes at the end.
 * - Files run without isolation (`isolate: false`): a worker imports the modules once and runs
 *   file after file; `file-scope.js` puts back the environment and working directory after each.
 * - Timeouts suit a real database on a small, shared machine: a test may take two minutes, a
 *   hook (creating a migrated template database) three.
 * - Coverage (`pnpm test:coverage`, i.e. WAREHOUSE_COVERAGE=1, as CI runs it): v8, over the package's own src/ and
 *   scripts/, a one-line summary per package and coverage/coverage-summary.json. Each package
 *   sets its floor (`coverageFloor`) just under its measured figures, so a drop fails the run.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';

export const TEST_TIMEOUT_MS = 120_000;

/** Setup file that puts back what a test file changed in its worker process (env, cwd). */
export const FILE_SCOPE_SETUP = fileURLToPath(new URL('./file-scope.js', import.meta.url));
export const HOOK_TIMEOUT_MS = 180_000;

/**
 * The coverage settings of every package (on when WAREHOUSE_COVERAGE=1, as `pnpm test:coverage`
 * sets it; `vitest run --coverage` works too), with the package's floor
 * in percent. Without a floor the summary is only reported (a package not measured yet).
 * @param {{ statements: number, branches: number, functions: number, lines: number }} [floor]
 * @returns {NonNullable<import('vitest/config').ViteUserConfig['test']>['coverage']}
 */
export function coverageFloor(floor) {
  return {
    enabled: process.env.WAREHOUSE_COVERAGE === '1',
    provider: 'v8',
    include: ['src/**/*.{ts,tsx}', 'scripts/**/*.ts'],
    exclude: ['src/generated/**', '**/*.d.ts'],
    reporter: ['text-summary', 'json-summary'],
    reportsDirectory: 'coverage',
    ...(floor ? { thresholds: floor } : {}),
  };
}

/**
 * A sequencer that starts the named files first, in the order given, then the rest in vitest's own
 * order. Vitest orders a clean checkout (CI's) by file size, largest first, and its duration cache
 * only after a run on the same machine; a package's few long files (a process started and stopped,
 * a database restarted under a 300k-row ingest) are small files, so they started last and ran
 * alone at the end of the package's run while the other worker had nothing left. Give the files
 * that take longest (relative to the package; docs/test-timings.md has the figures).
 * @param {string[]} files paths relative to the package's root, e.g. `test/db-outage.test.ts`
 * @returns {NonNullable<NonNullable<import('vitest/config').ViteUserConfig['test']>['sequence']>['sequencer']}
 */
export function longestFirst(files) {
  const rank = new Map(files.map((file, i) => [path.normalize(file), i]));
  return class LongestFirst extends BaseSequencer {
    /** @param {import('vitest/node').TestSpecification[]} specs */
    async sort(specs) {
      // A renamed or deleted file would silently lose its place (and run last again): say so.
      for (const root of new Set(specs.map((spec) => spec.project.config.root))) {
        const missing = files.filter((file) => !existsSync(path.join(root, file)));
        if (missing.length)
          throw new Error(
            `longestFirst in ${path.join(root, 'vitest.config.ts')} names ${missing.join(', ')}, which does not exist; rename or remove it there`,
          );
      }
      const base = await super.sort(specs);
      const at = (/** @type {import('vitest/node').TestSpecification} */ spec) =>
        rank.get(path.relative(spec.project.config.root, spec.moduleId)) ?? files.length;
      // Array.prototype.sort is stable: the unnamed files keep vitest's order among themselves.
      return base.sort((a, b) => at(a) - at(b));
    }
  };
}

/**
 * @param {string} configUrl `import.meta.url` of the package's vitest.config.ts; the global setup
 *   is resolved from that package (it depends on `@warehouse/migrate`; `@warehouse/migrate` resolves itself).
 * @param {import('vitest/config').ViteUserConfig} [overrides]
 * @returns {import('vitest/config').ViteUserConfig}
 */
export function warehouseVitest(configUrl, overrides = {}) {
  const globalSetup = createRequire(configUrl).resolve('@warehouse/migrate/testing/global-setup');
  const preset = defineConfig({
    test: {
      globalSetup: [globalSetup],
      testTimeout: TEST_TIMEOUT_MS,
      hookTimeout: HOOK_TIMEOUT_MS,
      include: ['test/**/*.test.ts'],
      // One worker process runs file after file with the modules it imported once (not a fresh
      // process per file that imports the whole graph again: ~2 s of CPU per file, a quarter of
      // the suite's CPU). Each file still has its own database; FILE_SCOPE_SETUP puts back the
      // environment variables and working directory a file changed.
      isolate: false,
      setupFiles: [FILE_SCOPE_SETUP],
    },
  });
  return mergeConfig(preset, overrides);
}
