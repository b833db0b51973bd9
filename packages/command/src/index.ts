/**
 * @warehouse/command — declared flags, `--help`, usage errors and exit codes for every entry
 * point of the repo: the CLI scripts (`@warehouse/cli`), the API's processes (`pnpm start`,
 * `pnpm worker`, `pnpm demo`) and the benchmarks. Depends only on `@warehouse/db` (which depends
 * on nothing of ours), so any package can use it without pulling in the CLI.
 */
export {
  defineCommand,
  runCommand,
  executeCommand,
  importCommand,
  parseOrExit,
  helpText,
  parseCommandArgs,
  describeError,
  envFlag,
  jsonFlag,
  type CommandSpec,
  type FlagSpec,
  type FlagValues,
} from './command.ts';
export { CliError, GuardRefusal, EXIT, type CliErrorCode } from './errors.ts';
export { c, colourEnabled, info } from './colour.ts';
