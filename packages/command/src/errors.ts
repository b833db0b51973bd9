/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failure: 1, refused: 2 } as const;

export type CliErrorCode =
  | 'E_USAGE'
  | 'E_ENV_PROTECTED'
  | 'E_GUARD_REFUSED'
  | 'E_TARGET_PROTECTED'
  | 'E_IDENTITY_UNREADABLE'
  | 'E_NOT_TOOLKIT_DIR'
  | 'E_TARGET_CHANGED'
  | 'E_DB_UNREACHABLE'
  | 'E_DB_MISSING'
  | 'E_DB_AUTH'
  | 'E_CANCELLED'
  | 'E_TOOL_MISSING'
  | 'E_FAILED';

/** An error the CLI reports without a stack trace. `exitCode` 2 means a guard refused. */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitCode: number;
  constructor(code: CliErrorCode, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.exitCode = options.exitCode ?? (code === 'E_USAGE' ? EXIT.failure : EXIT.failure);
  }
}

/** A destructive command refused by a guard: exit code 2. */
export class GuardRefusal extends CliError {
  constructor(
    code:
      | 'E_ENV_PROTECTED'
      | 'E_GUARD_REFUSED'
      | 'E_TARGET_PROTECTED'
      | 'E_CANCELLED'
      | 'E_IDENTITY_UNREADABLE'
      | 'E_NOT_TOOLKIT_DIR'
      | 'E_TARGET_CHANGED',
    message: string,
  ) {
    super(code, message, { exitCode: EXIT.refused });
    this.name = 'GuardRefusal';
  }
}
