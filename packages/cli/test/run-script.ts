import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run a CLI script (`packages/cli/scripts/<name>.ts`) as users do, in a subprocess, with extra
 * environment variables. NO_COLOR keeps output assertable.
 */
export function runScript(
  name: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  input?: string,
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [path.join(repoRoot, 'packages/cli/scripts', `${name}.ts`), ...args], {
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

/**
 * An environment registry for WAREHOUSE_ENV_FILE, written to a fresh folder under the test run's
 * TMPDIR (`environments` as in environments.json); returns the file's path.
 */
export function writeRegistry(prefix: string, environments: Record<string, unknown>): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), prefix)), 'environments.json');
  writeFileSync(file, JSON.stringify({ environments }));
  return file;
}
