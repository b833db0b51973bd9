import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { executeCommand, importCommand } from '@warehouse/command';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Scripts always run in a real process: db:psql hands its terminal to psql (stdio inherited), and
 * db:url --wait waits for signals.
 */
const SPAWN_ONLY = new Set(['db-psql']);

/**
 * Run a CLI script (`packages/cli/scripts/<name>.ts`) with extra environment variables, as users
 * do. NO_COLOR keeps output assertable.
 *
 * In-process by default (a `tsx` start costs over a second before any SQL): the script's spec
 * (see `importCommand`) runs through `executeCommand` — the same parsing, --help, error text and
 * exit code as `runCommand` — with the environment, working directory (the repo root), stdout and
 * stderr of the run swapped in and restored afterwards. A real subprocess (`spawnScript`) when
 * stdin input is given, for scripts that need their own process, and when another in-process run
 * is under way (concurrent commands stay concurrent). `test/entry-points.test.ts` spawns every
 * script once, so the real entry points are proven too.
 */
export function runScript(
  name: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  input?: string,
): Promise<ScriptResult> {
  if (input !== undefined || SPAWN_ONLY.has(name) || running) return spawnScript(name, args, env, input);
  return runInProcess(name, args, env);
}

/** Run a CLI script in a subprocess (`tsx scripts/<name>.ts …`), exactly as users do. */
export function spawnScript(
  name: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  input?: string,
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [scriptPath(name), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

const scriptPath = (name: string) => path.join(repoRoot, 'packages/cli/scripts', `${name}.ts`);
const specs = new Map<string, ReturnType<typeof importCommand>>();
let running = false;

/** Replace `obj[key]` by `value` (an own property); returns what puts the original back. */
function swap<T extends object, K extends keyof T>(obj: T, key: K, value: unknown): () => void {
  const own = Object.getOwnPropertyDescriptor(obj, key);
  Object.defineProperty(obj, key, { value, configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(obj, key, own);
    else delete obj[key];
  };
}

async function runInProcess(
  name: string,
  args: string[],
  extra: Record<string, string | undefined>,
): Promise<ScriptResult> {
  running = true;
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const saved = { env: process.env, cwd: process.cwd(), exitCode: process.exitCode };
  let stdout = '';
  let stderr = '';
  const capture =
    (append: (s: string) => void) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (done) queueMicrotask(done);
      return true;
    };
  const restore = [
    swap(
      process.stdout,
      'write',
      capture((s) => (stdout += s)),
    ),
    swap(
      process.stderr,
      'write',
      capture((s) => (stderr += s)),
    ),
    // A script reports its exit code through runCommand; an exit from inside one would end the test worker.
    swap(process, 'exit', (code?: number | string | null) => {
      throw new Error(`process.exit(${code ?? ''}) called by ${name} running in-process: return an exit code instead`);
    }),
  ];
  process.env = env;
  process.chdir(repoRoot);
  try {
    let spec = specs.get(name);
    if (!spec) {
      spec = importCommand(() => import(pathToFileURL(scriptPath(name)).href));
      specs.set(name, spec);
    }
    const code = await executeCommand(await spec, args);
    return { code, stdout, stderr };
  } finally {
    process.env = saved.env;
    process.chdir(saved.cwd);
    process.exitCode = saved.exitCode;
    for (const undo of restore) undo();
    running = false;
  }
}

/**
 * An environment registry for WAREHOUSE_ENV_FILE, written to a fresh folder under the test run's
 * TMPDIR (`environments` as in environments.json); returns the file's path.
 */
export function writeRegistry(prefix: string, environments: Record<string, unknown>): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), prefix)), 'environments.json');
  writeFileSync(file, JSON.stringify({ environments }));
  return file;
}
