// Flags, --help, usage errors and exit codes: everything of @warehouse/command, as it is.
export * from '@warehouse/command';
export { table, printJson, ms } from './output.ts';
export { withEnv } from './env.ts';
export {
  guardDestructive,
  guardWrite,
  checkTarget,
  countdown,
  envKind,
  sameTarget,
  type GuardFlags,
  type GuardIo,
  type GuardOptions,
  type GuardResult,
} from './guard.ts';
export { guardFlags, guardForCommand, cliConfig, withWritingEnv } from './destructive.ts';
export {
  runReferenceSeed,
  backupReplaced,
  calendarBackupSql,
  describeSeed,
  overwriteFlag,
  type SeedRun,
} from './seed.ts';
