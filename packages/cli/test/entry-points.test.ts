import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, spawnScript, type ScriptResult } from './run-script.ts';

/**
 * The other CLI tests run scripts in-process (`runScript`); this file proves every script's real
 * entry point: `tsx scripts/<name>.ts` in its own process, where `runCommand` sets the exit code
 * and exits: every script's --help once, and one failure and one refusal. Two at a time: each
 * start costs over a second of CPU.
 */
const scripts = readdirSync(path.join(repoRoot, 'packages/cli/scripts'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();

/** The root package.json's name for each script (`db-migrate-new` → `db:migrate:new`). */
const rootScripts = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const commandOf = (name: string) =>
  Object.keys(rootScripts).find((k) => rootScripts[k] === `tsx packages/cli/scripts/${name}.ts`) ??
  `(none for ${name})`;

async function spawnAll(args: string[]): Promise<Map<string, ScriptResult>> {
  const results = new Map<string, ScriptResult>();
  const queue = [...scripts];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) results.set(name, await spawnScript(name, args));
  };
  await Promise.all([worker(), worker()]);
  return results;
}

// Thirty process starts: generous on a busy 2-core machine (a start took 8 s at load 25).
describe('every CLI script, in a real process', { timeout: 600_000 }, () => {
  it('finds the scripts', () => {
    expect(scripts).toContain('db-migrate');
    expect(scripts.length).toBeGreaterThanOrEqual(30);
    // Each is a root script users run as `pnpm <command>`.
    for (const name of scripts) expect(Object.keys(rootScripts), name).toContain(commandOf(name));
  });

  it('--help prints its usage and exits 0', async () => {
    const results = await spawnAll(['--help']);
    for (const name of scripts) {
      const r = results.get(name)!;
      expect(r.stderr, name).toBe('');
      expect(r.stdout, name).toContain(`Usage: pnpm ${commandOf(name)}`);
      expect(r.code, name).toBe(0);
    }
  });

  it('a failure exits 1 and a refusal exits 2 (runCommand sets the code and exits)', async () => {
    const bad = await spawnScript('db-migrate', ['--no-such-flag']);
    expect(bad.stderr).toContain("Unknown option '--no-such-flag'");
    expect(bad.stderr).toContain('pnpm db:migrate --help');
    expect(bad.code).toBe(1);
    // The repo's registry: vm_prod is protected, so an unforced reset is refused before it reaches anything.
    const refused = await spawnScript('db-reset', ['--env', 'vm_prod'], {
      WAREHOUSE_ENV_FILE: undefined,
      DATABASE_URL_VM_PROD: undefined,
      FORCE: undefined,
    });
    expect(refused.stderr).toContain('E_ENV_PROTECTED');
    expect(refused.stderr).toContain('Nothing was changed.');
    expect(refused.code).toBe(2);
  });
});
