/**
 * What every script loads before it parses argv: @warehouse/command (flags, --help, usage errors,
 * exit codes), the output helpers and the shared flags. Nothing reachable from here imports a
 * database driver, zx, the migrator, the refresher or the embedded server: a script imports its
 * work inside `run` (`const { withEnv } = await import('../src/env.ts')`), so `--help` and usage
 * errors answer without loading it. test/script-imports.test.ts holds every script to that.
 */
export * from '@warehouse/command';
export { table, printJson, ms } from './output.ts';
export * from './flags.ts';
