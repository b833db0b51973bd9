// The boundary rules fire: a wrong-way import in a package's real file, linted with that
// package's real eslint.config.js, is an error; the same file with an allowed import is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { ALLOWED_IMPORTS } from './boundaries.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGE_DIRS = [
  'apps/api',
  'apps/web',
  'packages/cli',
  'packages/command',
  'packages/db',
  'packages/demo',
  'packages/env',
  'packages/migrate',
  'packages/refresher',
  'packages/secrets',
  'packages/messages',
];

/**
 * Lint `code` as if it were `file` of the package in `dir`, with that package's config. Only the
 * import rule runs, and without type information (`projectService` off): no-restricted-imports reads
 * the syntax alone, and building a TypeScript program per case was ~90 % of this file's time.
 */
async function restrictedImports(dir, file, code) {
  const cwd = `${root}${dir}`;
  const eslint = new ESLint({
    cwd,
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  });
  const [result] = await eslint.lintText(code, { filePath: `${cwd}/${file}` });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('packages/command may not import packages/db (it masks with @warehouse/secrets)', async () => {
  const messages = await restrictedImports(
    'packages/command',
    'src/command.ts',
    `import { maskSecrets } from '@warehouse/db';\nexport const y = maskSecrets;\n`,
  );
  assert.equal(messages.length, 1, JSON.stringify(messages));
  assert.match(messages[0], /@warehouse\/command may not import @warehouse\/db/);
  assert.deepEqual(
    await restrictedImports(
      'packages/command',
      'src/command.ts',
      `import { maskSecrets } from '@warehouse/secrets';\nexport const y = maskSecrets;\n`,
    ),
    [],
  );
});

test('an API route may import neither app.ts nor another route, and context.ts no route', async () => {
  for (const wrong of ["import { build } from '../app.ts';", "import { readRoutes } from './reads.ts';"]) {
    const messages = await restrictedImports('apps/api', 'src/routes/dashboard.ts', `${wrong}\nexport const y = 1;\n`);
    assert.equal(messages.length, 1, `${wrong}: ${JSON.stringify(messages)}`);
    assert.match(messages[0], /a route imports neither app.ts nor another route/);
  }
  const ctx = await restrictedImports(
    'apps/api',
    'src/context.ts',
    `import { readRoutes } from './routes/reads.ts';\nexport const y = readRoutes;\n`,
  );
  assert.equal(ctx.length, 1, JSON.stringify(ctx));
  // the package arrows still hold in a route, and what routes should import passes
  const cli = await restrictedImports(
    'apps/api',
    'src/routes/dashboard.ts',
    `import * as x from '@warehouse/cli';\nexport const y = x;\n`,
  );
  assert.match(cli[0] ?? '', /@warehouse\/api may not import @warehouse\/cli/);
  const ok = await restrictedImports(
    'apps/api',
    'src/routes/dashboard.ts',
    `import type { AppContext } from '../context.ts';\nimport { CardDay } from '../reads/target-card.ts';\nexport type Y = AppContext;\nexport const z = CardDay;\n`,
  );
  assert.deepEqual(ok, []);
});

test('packages/db may not import the CLI, the refresher, command, an app or the packages split from it', async () => {
  for (const wrong of [
    '@warehouse/cli',
    '@warehouse/refresher',
    '@warehouse/command',
    '@warehouse/api',
    '@warehouse/migrate',
    '@warehouse/env',
    '@warehouse/demo',
  ]) {
    const messages = await restrictedImports(
      'packages/db',
      'src/kinds/index.ts',
      `import * as x from '${wrong}';\nexport const y = x;\n`,
    );
    assert.equal(messages.length, 1, `${wrong} in packages/db: ${JSON.stringify(messages)}`);
    assert.match(messages[0], new RegExp(`@warehouse/db may not import ${wrong}`));
  }
});

test('no app imports the CLI, subpaths included; allowed imports pass', async () => {
  const api = await restrictedImports(
    'apps/api',
    'src/ingest/kinds.ts',
    `import * as x from '@warehouse/cli/scripts/db-reset.ts';\nexport const y = x;\n`,
  );
  assert.equal(api.length, 1);
  assert.match(api[0], /@warehouse\/api may not import @warehouse\/cli/);
  const ok = await restrictedImports(
    'apps/api',
    'src/ingest/kinds.ts',
    `import * as x from '@warehouse/db/kinds';\nexport const y = x;\n`,
  );
  assert.deepEqual(ok, []);
});

test('the table lists every workspace package and no package may import itself or an app above it', () => {
  assert.deepEqual(Object.keys(ALLOWED_IMPORTS).sort(), [
    '@warehouse/api',
    '@warehouse/cli',
    '@warehouse/command',
    '@warehouse/db',
    '@warehouse/demo',
    '@warehouse/env',
    '@warehouse/messages',
    '@warehouse/migrate',
    '@warehouse/refresher',
    '@warehouse/secrets',
    '@warehouse/web',
  ]);
  for (const [name, allowed] of Object.entries(ALLOWED_IMPORTS)) {
    assert.ok(!allowed.includes(name), name);
    if (name.startsWith('@warehouse/') && !['@warehouse/api', '@warehouse/web'].includes(name)) {
      assert.ok(!allowed.includes('@warehouse/api') && !allowed.includes('@warehouse/web'), `${name} imports an app`);
    }
  }
});

test('every allowed arrow is a dependency in that package.json, and every workspace dependency is allowed', async () => {
  const { readFileSync } = await import('node:fs');
  const dirs = PACKAGE_DIRS;
  for (const dir of dirs) {
    const pkg = JSON.parse(readFileSync(`${root}${dir}/package.json`, 'utf8'));
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
      .filter((d) => d in ALLOWED_IMPORTS)
      .sort();
    assert.deepEqual(deps, [...ALLOWED_IMPORTS[pkg.name]].sort(), `${dir}/package.json vs ALLOWED_IMPORTS`);
  }
});

test('every workspace dependency of a package is imported by one of its files (none declared unused)', async () => {
  const { readFileSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  for (const dir of PACKAGE_DIRS) {
    const pkg = JSON.parse(readFileSync(`${root}${dir}/package.json`, 'utf8'));
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', dir], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => /\.(ts|tsx|js|mjs)$/.test(f));
    const text = files.map((f) => readFileSync(`${root}${f}`, 'utf8')).join('\n');
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter(
      (d) => d in ALLOWED_IMPORTS,
    )) {
      assert.ok(
        new RegExp(`['"]${dep.replace('/', '\\/')}(/[^'"]*)?['"]`).test(text),
        `${dir}/package.json declares ${dep} but no file under ${dir} imports it; remove the dependency`,
      );
    }
  }
});
