// One definition of the CSV kinds, flavours and upload statuses: outside the contract
// (packages/db/src/kinds/index.ts) no source file spells one as a string. Code that means one of
// them writes CSV_TYPE.yard, FLAVOUR.final or UPLOAD_STATUS.held, and lists come from CSV_TYPES,
// FLAVOURS and UPLOAD_STATUSES (all from @warehouse/db/kinds). Read as TypeScript syntax (comments
// and prose do not count); tests, migrations, SQL files and benchmarks (harnesses that spell their
// inputs, like tests) are not scanned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CONTRACT = 'packages/db/src/kinds/index.ts';

/** The contract's values, read from the contract's own source (no import: it is TypeScript). */
function contractValues() {
  const src = readFileSync(`${root}${CONTRACT}`, 'utf8');
  const list = (name) => {
    const m = new RegExp(`export const ${name} = \\[([^\\]]*)\\] as const`).exec(src);
    assert.ok(m, `${CONTRACT} no longer declares ${name} as a literal array; update literals.test.js`);
    return [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]);
  };
  return { kind: list('CSV_TYPES'), flavour: list('FLAVOURS'), status: list('UPLOAD_STATUSES') };
}

/**
 * Files where a status word names ANOTHER concept that happens to share it (a migration's state, an
 * MV refresh's outcome, a rebuild step, a vitest result, a CSS class): the words allowed there, why.
 */
const OTHER_CONCEPTS = {
  'packages/cli/scripts/db-history.ts': { words: ['failed'], why: 'a migration row state' },
  'packages/cli/scripts/db-migrate-new.ts': { words: ['failed'], why: 'a migration run' },
  'packages/cli/scripts/db-rebuild.ts': { words: ['success', 'failed'], why: 'rebuild step statuses' },
  'packages/cli/scripts/db-status.ts': { words: ['pending'], why: 'pending migrations' },
  'packages/cli/scripts/mv-history.ts': { words: ['failed'], why: 'an MV refresh outcome' },
  'packages/cli/scripts/mv-refresh.ts': { words: ['failed'], why: 'an MV refresh outcome' },
  'packages/cli/src/ops/rebuild.ts': { words: ['success', 'failed'], why: 'rebuild step statuses' },
  'packages/cli/src/migrations.ts': { words: ['failed'], why: 'a migration row state' },
  'packages/cli/src/populate.ts': { words: ['failed'], why: 'an MV refresh outcome' },
  'packages/migrate/src/commands.ts': { words: ['failed'], why: 'a migration row state' },
  'packages/migrate/src/migrate.ts': { words: ['failed'], why: 'a migration run event' },
  'packages/migrate/src/table.ts': { words: ['failed'], why: 'a migration row state' },
  'packages/refresher/src/alerts.ts': { words: ['failed'], why: 'an MV refresh status' },
  'packages/refresher/src/history.ts': { words: ['failed'], why: 'an MV refresh outcome' },
  'packages/refresher/src/refresh.ts': { words: ['failed'], why: 'an MV refresh status and outcome' },
  'packages/refresher/src/status.ts': { words: ['failed'], why: 'an MV refresh outcome (SQL)' },
  'packages/refresher/src/types.ts': { words: ['failed'], why: 'MV refresh statuses and outcomes' },
  'packages/refresher/src/verify.ts': { words: ['failed'], why: 'an MV refresh outcome' },
  'tooling/vitest/timings.mjs': { words: ['pending', 'failed'], why: "vitest's test states" },
  'apps/web/src/i18n.tsx': {
    words: ['pending', 'processing', 'success', 'failed', 'held', 'reverted'],
    why: "the English catalogue's words for the statuses (display text, keyed by the status)",
  },
  'apps/web/src/pages/Freshness.tsx': { words: ['success', 'failed'], why: 'the CSS classes and message of an MV' },
};

/** log.upload_file's data access writes the statuses as SQL values in its queries. */
const SQL_STATUSES_ALLOWED = /^packages\/db\/src\/uploads\//;

function sourceFiles() {
  return execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', 'apps', 'packages', 'tooling'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  )
    .split('\n')
    .filter((f) => /\.(ts|tsx|js|mjs|cjs)$/.test(f))
    .filter((f) => f !== CONTRACT)
    .filter((f) => !/(^|\/)(test|tests|e2e|bench|migrations|generated)\//.test(f) && !/\.test\.[jt]sx?$/.test(f));
}

/** Every `file:line: text` where a kind, flavour or status is spelled outside the contract. */
export function literalsOutsideContract(files = sourceFiles(), read = (f) => readFileSync(`${root}${f}`, 'utf8')) {
  const values = contractValues();
  const concept = new Map(Object.entries(values).flatMap(([c, vs]) => vs.map((v) => [v, c])));
  const sqlValue = new RegExp(`'(${[...concept.keys()].join('|')})'`, 'g');
  const found = [];
  for (const file of files) {
    const text = read(file);
    const sf = ts.createSourceFile(
      file,
      text,
      ts.ScriptTarget.Latest,
      true,
      file.endsWith('x') ? ts.ScriptKind.TSX : undefined,
    );
    const allowed = OTHER_CONCEPTS[file]?.words ?? [];
    const report = (node, value, how) => {
      const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      found.push(`${file}:${line + 1}: ${concept.get(value)} '${value}' ${how}`);
    };
    const visit = (node) => {
      if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
        const value = node.text;
        if (concept.has(value) && !allowed.includes(value) && !ts.isTemplateLiteralToken(node))
          report(node, value, 'as a string');
        for (const m of value.matchAll(sqlValue)) {
          const v = m[1];
          if (allowed.includes(v)) continue;
          if (concept.get(v) === 'status' && SQL_STATUSES_ALLOWED.test(file)) continue;
          report(node, v, 'inside a string (SQL)');
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

test('no kind, flavour or upload status is spelled outside the contract', () => {
  const found = literalsOutsideContract();
  assert.deepEqual(
    found,
    [],
    `spelled outside ${CONTRACT}; use CSV_TYPE.x / FLAVOUR.x / UPLOAD_STATUS.x or the lists from @warehouse/db/kinds:\n${found.join('\n')}`,
  );
});

test('the scan finds a re-added literal, in code and in SQL, naming file and line', () => {
  const files = ['apps/api/src/routes/x.ts'];
  const code = [
    "import { Type } from 'typebox';",
    "// 'yard' in a comment does not count",
    "export const F = Type.Union([Type.Literal('flash'), Type.Literal('final')]);",
    "export const q = `select 1 from log.upload_file where status = 'held'`;",
  ].join('\n');
  assert.deepEqual(
    literalsOutsideContract(files, () => code),
    [
      "apps/api/src/routes/x.ts:3: flavour 'flash' as a string",
      "apps/api/src/routes/x.ts:3: flavour 'final' as a string",
      "apps/api/src/routes/x.ts:4: status 'held' inside a string (SQL)",
    ],
  );
});

test('the files excused for another concept still exist (a stale entry is removed)', () => {
  const files = new Set(sourceFiles());
  for (const f of Object.keys(OTHER_CONCEPTS))
    assert.ok(files.has(f), `${f} is in OTHER_CONCEPTS but not a scanned file`);
});
