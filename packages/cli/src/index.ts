export {
  defineCommand,
  runCommand,
  parseOrExit,
  helpText,
  parseCommandArgs,
  describeError,
  envFlag,
  jsonFlag,
  type CommandSpec,
  type FlagSpec,
  type FlagValues,
} from '@warehouse/command';
export { CliError, GuardRefusal, EXIT, type CliErrorCode } from '@warehouse/command';
export { c, info, table, printJson, ms, colourEnabled } from './output.ts';
export { withEnv } from './env.ts';
export {
  guardDestructive,
  checkTarget,
  countdown,
  envKind,
  sameTarget,
  type GuardFlags,
  type GuardIo,
  type GuardOptions,
  type GuardResult,
} from './guard.ts';
export { guardFlags, guardForCommand, cliConfig } from './destructive.ts';
