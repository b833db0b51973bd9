import { describe, expect, it } from 'vitest';
import {
  CliError,
  defineCommand,
  describeError,
  EXIT,
  GuardRefusal,
  helpText,
  parseCommandArgs,
} from '../src/index.ts';

const spec = defineCommand({
  name: 'pnpm x',
  summary: 'a command',
  flags: {
    env: { type: 'string', default: 'local_dev', placeholder: 'NAME', description: 'environment' },
    json: { type: 'boolean', description: 'as JSON' },
  },
  run: async () => 0,
});

describe('parseCommandArgs', () => {
  it('parses declared flags with defaults and drops a leading `--` from pnpm', () => {
    expect(parseCommandArgs(spec, ['--', '--json']).flags).toEqual({ env: 'local_dev', json: true });
    expect(parseCommandArgs(spec, ['--env', 'vm_stg']).flags.env).toBe('vm_stg');
    expect(parseCommandArgs(spec, ['-h']).help).toBe(true);
  });

  it('an unknown flag is E_USAGE pointing at --help', () => {
    const error = (() => {
      try {
        parseCommandArgs(spec, ['--bogus']);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('E_USAGE');
    expect((error as CliError).message).toContain("Unknown option '--bogus'");
    expect((error as CliError).message).toContain('`pnpm x --help`');
  });

  it('a positional argument where none is declared is E_USAGE naming it', () => {
    expect(() => parseCommandArgs(spec, ['extra'])).toThrow(/unexpected argument "extra"/);
  });
});

describe('helpText', () => {
  it('lists flags with placeholders and defaults, and the exit codes', () => {
    const text = helpText(spec);
    expect(text).toContain('Usage: pnpm x [options]');
    expect(text).toContain('--env NAME');
    expect(text).toContain('(default: local_dev)');
    expect(text).toContain('Exit codes: 0 ok, 1 failure, 2 refused by a guard.');
  });
});

describe('describeError', () => {
  it('a guard refusal exits 2, a usage error 1', () => {
    expect(describeError(new GuardRefusal('E_ENV_PROTECTED', 'no')).exitCode).toBe(EXIT.refused);
    expect(describeError(new CliError('E_USAGE', 'bad')).exitCode).toBe(EXIT.failure);
  });

  it("any of the repo's typed errors prints its stable code; a driver error keeps its SQLSTATE", () => {
    class DbLikeError extends Error {
      readonly code = 'E_ENV_UNKNOWN';
    }
    expect(describeError(new DbLikeError('unknown env')).message).toBe('E_ENV_UNKNOWN: unknown env');
    const pgError = Object.assign(new Error('relation "x" does not exist'), { code: '42P01' });
    expect(describeError(pgError)).toEqual({ exitCode: EXIT.failure, message: 'relation "x" does not exist (42P01)' });
  });
});
