import type { ViteUserConfig } from 'vitest/config';

export declare const TEST_TIMEOUT_MS: number;
export declare const HOOK_TIMEOUT_MS: number;
/** Setup file that puts back what a test file changed in its worker process (env, cwd). */
export declare const FILE_SCOPE_SETUP: string;
/** The repo's vitest preset for the package whose config is at `configUrl` (`import.meta.url`). */
export declare function warehouseVitest(configUrl: string, overrides?: ViteUserConfig): ViteUserConfig;
/** Coverage settings (v8, src/ and scripts/, summary per package) with the package's floor in percent (none: report only). */
export declare function coverageFloor(floor?: {
  statements: number;
  branches: number;
  functions: number;
  lines: number;
}): NonNullable<ViteUserConfig['test']>['coverage'];
/** A sequencer that starts these files (relative to the package) first, in this order, then the rest in vitest's order. */
export declare function longestFirst(
  files: string[],
): NonNullable<NonNullable<ViteUserConfig['test']>['sequence']>['sequencer'];
