#!/usr/bin/env node
// @ts-check
/**
 * Splits packages/db along its seams (issue 25, scope 6). Idempotent and re-runnable: it works out
 * what to do from the tree it finds, so it can run on a main that has files and imports this
 * script never saw, and a second run changes nothing.
 *
 *   node tooling/split-db/split-db.mjs [--dry-run]     (split-db.sh runs it, then prettier and pnpm install)
 *
 * 1. Moves (`git mv`) whole folders of packages/db by the RULES below into @warehouse/migrate,
 *    @warehouse/env and @warehouse/demo; each test of packages/db/test goes with the package whose
 *    code it imports most (db's own tests need a migrated database, so they go to migrate).
 * 2. Rewrites every import in the repo by resolving what it pointed to before the move: relative
 *    imports, `@warehouse/db/<sub>` subpaths (through db's old `exports`), and the names imported
 *    from `@warehouse/db` (split per name: env's names now come from `@warehouse/env`). Relative
 *    path strings in moved files (`'../../prisma/views'`) and repo paths in docs, comments and
 *    scripts (`packages/db/src/migrator/...`) follow their files too.
 * 3. Writes the new packages (package.json, tsconfig, eslint, vitest config), each package.json's
 *    workspace dependencies to exactly what its files import, the arrows in tooling/eslint, the
 *    README's Layout table and docs/design.md's package list.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(ROOT, 'package.json'));
/** @type {typeof import('typescript')} */
const ts = require('typescript');
const DRY = process.argv.includes('--dry-run');
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('Usage: node tooling/split-db/split-db.mjs [--dry-run]\n\nSee tooling/split-db/README.md.\n');
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The seams. Prefix rules (first match wins) for files of packages/db; anything else stays.
// ---------------------------------------------------------------------------------------------
const DB = 'packages/db';
/** @type {[string, string][]} */
const RULES = [
  // The view catalog's files are the schema's (schema/objects.ts and prisma.config.ts read them);
  // the rest of the catalog (plan, generate, swap, checks) is migration tooling.
  [`${DB}/src/catalog/files.ts`, `${DB}/src/views/files.ts`],
  [`${DB}/src/migrator/`, 'packages/migrate/src/'],
  [`${DB}/src/sql/`, 'packages/migrate/src/sql/'],
  [`${DB}/src/lint/`, 'packages/migrate/src/lint/'],
  [`${DB}/src/engine/`, 'packages/migrate/src/engine/'],
  [`${DB}/src/catalog/`, 'packages/migrate/src/catalog/'],
  [`${DB}/src/testing/`, 'packages/migrate/src/testing/'],
  [`${DB}/bin/`, 'packages/migrate/bin/'],
  [`${DB}/scripts/init-sql.ts`, 'packages/migrate/scripts/init-sql.ts'],
  [`${DB}/vitest.config.ts`, 'packages/migrate/vitest.config.ts'],
  [`${DB}/src/env/`, 'packages/env/src/'],
  [`${DB}/src/embedded/`, 'packages/env/src/embedded/'],
  [`${DB}/src/demo/`, 'packages/demo/src/'],
  [`${DB}/src/seed/`, 'packages/demo/src/seed/'],
  [`${DB}/scripts/prisma-seed.ts`, 'packages/demo/scripts/prisma-seed.ts'],
];
const NEW_PACKAGES = {
  'packages/migrate': '@warehouse/migrate',
  'packages/env': '@warehouse/env',
  'packages/demo': '@warehouse/demo',
};
/** db's `exports` before the split: a re-run (or a branch merged later) may still import these. */
const OLD_DB_EXPORTS = {
  '.': './src/index.ts',
  './kinds': './src/kinds/index.ts',
  './dates': './src/dates.ts',
  './migrator': './src/migrator/index.ts',
  './lint': './src/lint/index.ts',
  './sql': './src/sql/index.ts',
  './demo': './src/demo/index.ts',
  './seed': './src/seed/index.ts',
  './client': './src/client/index.ts',
  './schema': './src/schema/objects.ts',
  './engine': './src/engine/index.ts',
  './testing': './src/testing/index.ts',
  './testing/global-setup': './src/testing/global-setup.ts',
  './catalog': './src/catalog/index.ts',
  './uploads': './src/uploads/index.ts',
  './pg': './src/pg/with.ts',
  './accounts': './src/accounts/index.ts',
};
/** Names exported by db's old main entry, by the file they came from (for a re-run after the move). */
const CODE_EXT = /\.(ts|tsx|mts|js|mjs|cjs)$/;
const TEXT_EXT =
  /\.(md|json|ya?ml|sh|prisma|sql|txt|js|mjs|cjs|ts|tsx)$|(^|\/)(\.gitignore|\.prettierignore|schema-engine)$/;

const log = (/** @type {string} */ m) => process.stdout.write(`${m}\n`);
const sh = (/** @type {string} */ cmd, /** @type {string[]} */ args) =>
  execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
const read = (/** @type {string} */ f) => readFileSync(path.join(ROOT, f), 'utf8');
const exists = (/** @type {string} */ f) => existsSync(path.join(ROOT, f));
/** @type {Set<string>} */
const written = new Set();
/** @type {Set<string>} */
let afterSet;
function write(/** @type {string} */ f, /** @type {string} */ text) {
  if (exists(f) && read(f) === text) return;
  written.add(f);
  afterSet?.add(f);
  if (DRY) return log(`would write ${f}`);
  mkdirSync(path.dirname(path.join(ROOT, f)), { recursive: true });
  writeFileSync(path.join(ROOT, f), text);
}
const posix = (/** @type {string} */ p) => p.split(path.sep).join('/');

// ---------------------------------------------------------------------------------------------
// 1. The file moves, computed from the tree.
// ---------------------------------------------------------------------------------------------
const tracked = () => sh('git', ['ls-files', '--cached', '--others', '--exclude-standard']).split('\n').filter(Boolean);
const before = tracked();
const beforeSet = new Set(before);

// db's main entry: which name comes from which file (before the move).
/** @type {Map<string, string>} */
const ROOT_NAMES = new Map();
{
  const barrel = exists(`${DB}/src/index.ts`) ? `${DB}/src/index.ts` : null;
  if (barrel) {
    const sf = ts.createSourceFile(barrel, read(barrel), ts.ScriptTarget.Latest, true);
    for (const st of sf.statements) {
      if (!ts.isExportDeclaration(st) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const spec = st.moduleSpecifier.text;
      const src = spec.startsWith('.') ? resolveFile(posix(path.join(`${DB}/src`, spec)), beforeSet) : `pkg:${spec}`;
      if (st.exportClause && ts.isNamedExports(st.exportClause))
        for (const e of st.exportClause.elements) ROOT_NAMES.set(e.name.text, src ?? spec);
    }
  }
}
function barrelSource(/** @type {string} */ name) {
  return ROOT_NAMES.get(name) ?? null;
}

/** @returns {string | null} */
function ruleTarget(/** @type {string} */ f) {
  for (const [from, to] of RULES) {
    if (from.endsWith('/') ? f.startsWith(from) : f === from) return to + f.slice(from.length);
  }
  return null;
}

/** Relative import specifiers of a file (resolved against its folder), for test placement. */
function relativeTargets(/** @type {string} */ file) {
  const out = [];
  for (const { text } of specifiers(file, read(file))) {
    if (text.startsWith('.')) out.push(posix(path.join(path.dirname(file), text)));
  }
  return out;
}

const packageDirOf = (/** @type {string} */ f) => {
  const m = /^(packages|apps|tooling)\/[^/]+/.exec(f);
  return m ? m[0] : '';
};

/** @type {Map<string, string>} old path → new path */
const moves = new Map();
for (const f of before) {
  const to = ruleTarget(f);
  if (to) moves.set(f, to);
}
// Tests and benchmarks: each goes to the highest package whose code it imports, in the order the
// arrows allow (db < env < migrate < demo: demo's tests use migrate's harness, migrate's runner
// uses env). One that uses the test harness (testing/: a migrated database) or tests db's own
// code goes at least to migrate, since neither db nor env may depend on migrate. Helpers and
// fixtures go to migrate unless only one other package's tests use them.
const LAYER = { [DB]: 0, 'packages/env': 1, 'packages/migrate': 2, 'packages/demo': 3 };
const dbTests = before.filter((f) => f.startsWith(`${DB}/test/`) || f.startsWith(`${DB}/bench/`));
const isEntry = (/** @type {string} */ f) => /\.test\.(ts|tsx)$/.test(f) || f.startsWith(`${DB}/bench/`);
for (const f of dbTests) {
  let to = 'packages/migrate';
  if (isEntry(f) && CODE_EXT.test(f)) {
    let top = 0;
    let harness = false;
    for (const t of relativeTargets(f)) {
      const resolved = resolveFile(t, beforeSet);
      if (!resolved || !resolved.startsWith(`${DB}/`)) continue;
      if (resolved.startsWith(`${DB}/src/testing/`) || resolved.startsWith(`${DB}/test/`)) harness = true;
      if (resolved.startsWith(`${DB}/test/`)) continue;
      const names = resolved === `${DB}/src/index.ts` ? importedNames(f, t) : null;
      const dests = names
        ? names.map((n) => packageDirOf(after(barrelSource(n) ?? resolved)))
        : [packageDirOf(after(resolved))];
      for (const d of dests) top = Math.max(top, LAYER[/** @type {keyof typeof LAYER} */ (d)] ?? 0);
    }
    if (harness || top === 0) top = Math.max(top, LAYER['packages/migrate']);
    to = /** @type {string} */ (Object.keys(LAYER).find((k) => LAYER[/** @type {keyof typeof LAYER} */ (k)] === top));
  }
  moves.set(f, `${to}/${f.slice(DB.length + 1)}`);
}
// A test helper imported by tests of one other package only goes with them.
for (const f of dbTests.filter((x) => !isEntry(x) && CODE_EXT.test(x))) {
  const users = new Set();
  for (const t of dbTests.filter(isEntry)) {
    if (relativeTargets(t).some((r) => resolveFile(r, beforeSet) === f)) users.add(packageDirOf(moves.get(t) ?? t));
  }
  if (users.size === 1) moves.set(f, `${[...users][0]}/${f.slice(DB.length + 1)}`);
}
{
  const seen = new Map();
  for (const [from, to] of moves) {
    if (seen.has(to))
      throw new Error(`${from} and ${seen.get(to)} would both move to ${to}; add a rule in split-db.mjs`);
    seen.set(to, from);
    if (beforeSet.has(to) && !moves.has(to)) throw new Error(`${from} would move onto ${to}, which exists; add a rule`);
  }
}

/** The path of a file after the move (unchanged when it does not move). */
function after(/** @type {string} */ f) {
  return moves.get(f) ?? f;
}
/** A folder after the move: the folder of its moved files when they all went to one place. */
function afterPath(/** @type {string} */ p) {
  if (beforeSet.has(p)) return after(p);
  const inside = before.filter((f) => f.startsWith(`${p}/`));
  if (!inside.length) return p;
  const dests = new Set(
    inside.map(
      (f) =>
        posix(path.dirname(after(f))) +
        '/' +
        path
          .relative(p, path.dirname(f))
          .split(path.sep)
          .map(() => '..')
          .join('/'),
    ),
  );
  // Simple, exact rule: the folder moves when every file in it moves by the same prefix.
  const prefixes = new Set(inside.map((f) => after(f).slice(0, after(f).length - (f.length - p.length))));
  void dests;
  return prefixes.size === 1 ? [...prefixes][0] : p;
}

// ---------------------------------------------------------------------------------------------
// Module resolution over the tree before the move.
// ---------------------------------------------------------------------------------------------
/** @returns {string | null} */
function resolveFile(/** @type {string} */ p, /** @type {Set<string>} */ set) {
  const cands = [p, `${p}.ts`, `${p}.tsx`, `${p}.js`, `${p}.mjs`, `${p}/index.ts`, `${p}/index.js`];
  if (/\.js$/.test(p)) cands.push(p.replace(/\.js$/, '.ts'));
  return cands.find((c) => set.has(c)) ?? null;
}

/** The syntax tree of a source file (TSX for .tsx and .jsx), with parent links. */
function parseSource(/** @type {string} */ file, /** @type {string} */ text) {
  return ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
}

/** @returns {{ text: string; start: number; end: number; node: import('typescript').Node; kind: 'import' | 'string' }[]} */
function specifiers(/** @type {string} */ file, /** @type {string} */ text) {
  const sf = parseSource(file, text);
  /** @type {ReturnType<typeof specifiers>} */
  const out = [];
  /** @type {Set<import('typescript').Node>} */
  const importNodes = new Set();
  const visit = (/** @type {import('typescript').Node} */ n) => {
    if (
      (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) &&
      n.moduleSpecifier &&
      ts.isStringLiteral(n.moduleSpecifier)
    )
      importNodes.add(n.moduleSpecifier);
    else if (
      ts.isCallExpression(n) &&
      n.expression.kind === ts.SyntaxKind.ImportKeyword &&
      n.arguments[0] &&
      ts.isStringLiteralLike(n.arguments[0])
    )
      importNodes.add(n.arguments[0]);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal))
      importNodes.add(n.argument.literal);
    else if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      ['mock', 'doMock', 'importActual', 'resolve'].includes(n.expression.name.text) &&
      n.arguments[0] &&
      ts.isStringLiteralLike(n.arguments[0])
    )
      importNodes.add(n.arguments[0]);
    if (ts.isStringLiteralLike(n)) {
      out.push({
        text: n.text,
        start: n.getStart(sf) + 1,
        end: n.getEnd() - 1,
        node: n,
        kind: importNodes.has(n) ? 'import' : 'string',
      });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Names a file imports from specifier `spec` (named imports only). */
function importedNames(/** @type {string} */ file, /** @type {string} */ target) {
  const text = read(file);
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const names = [];
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    if (posix(path.join(path.dirname(file), st.moduleSpecifier.text)) !== target) continue;
    const nb = st.importClause?.namedBindings;
    if (nb && ts.isNamedImports(nb)) for (const e of nb.elements) names.push((e.propertyName ?? e.name).text);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// 2. git mv.
// ---------------------------------------------------------------------------------------------
if (moves.size) log(`moving ${moves.size} files out of ${DB}`);
if (DRY) {
  for (const [from, to] of moves) log(`${from} → ${to}`);
  process.exit(0);
}
for (const [from, to] of moves) {
  if (DRY) continue;
  mkdirSync(path.dirname(path.join(ROOT, to)), { recursive: true });
  if (sh('git', ['ls-files', '--', from]).trim()) sh('git', ['mv', from, to]);
  else execFileSync('mv', [from, to], { cwd: ROOT });
}
const afterFiles = DRY ? before.map(after) : tracked();
afterSet = new Set(afterFiles);
/** new path → old path */
const backwards = new Map([...moves].map(([a, b]) => [b, a]));
const oldOf = (/** @type {string} */ f) => backwards.get(f) ?? f;

// ---------------------------------------------------------------------------------------------
// 3. The packages' exports after the move.
// ---------------------------------------------------------------------------------------------
const PKG_DIRS = afterFiles
  .filter((f) => /^(packages|apps|tooling)\/[^/]+\/package\.json$/.test(f))
  .map((f) => path.dirname(f));
for (const d of Object.keys(NEW_PACKAGES)) if (!PKG_DIRS.includes(d)) PKG_DIRS.push(d);
const pkgName = (/** @type {string} */ dir) =>
  NEW_PACKAGES[/** @type {keyof typeof NEW_PACKAGES} */ (dir)] ?? JSON.parse(read(`${dir}/package.json`)).name;
/** @type {Map<string, string>} package name → dir (filled once the packages are known) */
const WORKSPACE_DIRS = new Map();
const pkgOf = (/** @type {string} */ f) =>
  PKG_DIRS.filter((d) => f.startsWith(`${d}/`)).sort((a, b) => b.length - a.length)[0] ?? '';

for (const d of PKG_DIRS) if (exists(`${d}/package.json`) || d in NEW_PACKAGES) WORKSPACE_DIRS.set(pkgName(d), d);
/** @type {Map<string, Map<string, string>>} package dir → (subpath → file) */
const EXPORTS = new Map();
const dbPkg = JSON.parse(read(`${DB}/package.json`));
/** Old db exports → the file each now is. */
const oldExports = { ...OLD_DB_EXPORTS, ...dbPkg.exports };
/** @type {Map<string, string>} old `@warehouse/db<sub>` → new file */
const OLD_SPEC_FILE = new Map();
for (const [sub, target] of Object.entries(oldExports)) {
  const oldFile = posix(path.join(DB, target));
  const newFile = moves.get(oldFile) ?? (afterSet.has(oldFile) ? oldFile : (ruleTarget(oldFile) ?? oldFile));
  OLD_SPEC_FILE.set(`@warehouse/db${sub === '.' ? '' : sub.slice(1)}`, newFile);
}
function subpathFor(/** @type {string} */ dir, /** @type {string} */ file) {
  let rel = posix(path.relative(`${dir}/src`, file)).replace(/\.(ts|tsx|js)$/, '');
  rel = rel.replace(/(^|\/)index$/, '');
  if (rel === '' || rel === 'migrate') return '.';
  if (rel === 'views/files') return './views';
  return `./${rel}`;
}
for (const dir of PKG_DIRS) {
  const m = new Map();
  const pj = exists(`${dir}/package.json`) ? JSON.parse(read(`${dir}/package.json`)) : {};
  for (const [sub, target] of Object.entries(pj.exports ?? {})) {
    const t = typeof target === 'string' ? target : (target.default ?? target.import);
    if (typeof t !== 'string') continue;
    const f = posix(path.join(dir, t));
    const moved = moves.get(f);
    if (moved && pkgOf(moved) !== dir) continue; // exported by its new package below
    m.set(sub, moved ?? f);
  }
  EXPORTS.set(dir, m);
}
// Every file that was an export of db is an export of the package it is in now.
for (const file of OLD_SPEC_FILE.values()) {
  const dir = pkgOf(file);
  const m = EXPORTS.get(dir);
  if (!m || [...m.values()].includes(file)) continue;
  if (file === `${DB}/src/index.ts`) continue;
  m.set(subpathFor(dir, file), file);
}
// A package's main entry: its src/index.ts.
for (const dir of Object.keys(NEW_PACKAGES)) {
  const m = /** @type {Map<string, string>} */ (EXPORTS.get(dir));
  if (!m.has('.')) m.set('.', `${dir}/src/index.ts`);
}

// db's main entry splits: each `export … from` goes to the main entry of its source's package.
/** @type {Map<string, string>} name → package dir that exports it from its main entry */
const NAME_HOME = new Map();
{
  const barrel = `${DB}/src/index.ts`;
  const sf = ts.createSourceFile(barrel, read(barrel), ts.ScriptTarget.Latest, true);
  /** @type {Map<string, string[]>} */
  const keep = new Map();
  for (const st of sf.statements) {
    const text = st.getFullText(sf).replace(/^\n+/, '');
    let dest = DB;
    if (
      ts.isExportDeclaration(st) &&
      st.moduleSpecifier &&
      ts.isStringLiteral(st.moduleSpecifier) &&
      st.moduleSpecifier.text.startsWith('.')
    ) {
      const old = resolveFile(posix(path.join(`${DB}/src`, st.moduleSpecifier.text)), beforeSet);
      if (old) dest = pkgOf(after(old));
    }
    if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause))
      for (const e of st.exportClause.elements) NAME_HOME.set(e.name.text, dest);
    keep.set(dest, [...(keep.get(dest) ?? []), text]);
  }
  for (const [dest, stmts] of keep) {
    if (dest === DB) {
      write(barrel, stmts.join('\n') + '\n');
      continue;
    }
    const entry = /** @type {string} */ (EXPORTS.get(dest)?.get('.'));
    const existing = afterSet.has(entry) || written.has(entry) ? read(entry) : '';
    // Re-express the relative specifiers from the new entry (rewritten in step 4 below).
    const moved = stmts.map((s) =>
      s.replace(/from '(\.[^']+)'/g, (_, spec) => {
        const old = resolveFile(posix(path.join(`${DB}/src`, spec)), beforeSet);
        if (!old) return `from '${spec}'`;
        const f = after(old);
        let rel = posix(path.relative(path.dirname(entry), f));
        if (!rel.startsWith('.')) rel = `./${rel}`;
        return `from '${rel}'`;
      }),
    );
    write(entry, (existing ? existing.replace(/\n*$/, '\n') : '') + moved.join('\n') + '\n');
    afterSet.add(entry);
  }
}
// On a re-run db's entry no longer names env's exports: take them from env's entry.
for (const dir of Object.keys(NEW_PACKAGES)) {
  const entry = EXPORTS.get(dir)?.get('.');
  if (!entry || !afterSet.has(entry)) continue;
  const sf = ts.createSourceFile(entry, read(entry), ts.ScriptTarget.Latest, true);
  for (const st of sf.statements)
    if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause))
      for (const e of st.exportClause.elements) if (!NAME_HOME.has(e.name.text)) NAME_HOME.set(e.name.text, dir);
}

/** The bare specifier that reaches `file` from another package, or null. */
function specifierFor(/** @type {string} */ file, /** @type {string[]} */ names) {
  const dir = pkgOf(file);
  const m = EXPORTS.get(dir);
  if (!m) return null;
  const name = pkgName(dir);
  for (const [sub, f] of m) if (f === file) return sub === '.' ? name : `${name}/${sub.slice(2)}`;
  // A main entry that re-exports every name imported.
  const entry = m.get('.');
  if (
    entry &&
    names.length &&
    names.every((n) => (dir === DB ? NAME_HOME.get(n) === DB : NAME_HOME.get(n) === dir || reexports(entry, n)))
  )
    return name;
  // Otherwise the file becomes an export of its package.
  const sub = subpathFor(dir, file);
  if (m.has(sub) && m.get(sub) !== file)
    throw new Error(`${file}: subpath ${sub} of ${name} is taken by ${m.get(sub)}`);
  m.set(sub, file);
  return sub === '.' ? name : `${name}/${sub.slice(2)}`;
}
function reexports(/** @type {string} */ entry, /** @type {string} */ n) {
  return new RegExp(`\\b${n}\\b`).test(afterSet.has(entry) ? read(entry) : '');
}

// ---------------------------------------------------------------------------------------------
// 4. Rewrite imports, relative path strings and repo paths in every file.
// ---------------------------------------------------------------------------------------------
/** Repo paths that moved, longest first: `packages/db/src/migrator` → `packages/migrate/src`. */
const PATH_MAP = (() => {
  /** @type {Map<string, string>} */
  const m = new Map();
  for (const [from, to] of moves) {
    m.set(from, to);
    let a = path.dirname(from);
    let b = path.dirname(to);
    while (a.startsWith(`${DB}/`) && afterPath(a) === b) {
      m.set(a, b);
      a = path.dirname(a);
      b = path.dirname(b);
    }
  }
  // Rules for folders (a re-run finds no files left to move, but old paths may still be written).
  for (const [from, to] of RULES) m.set(from.replace(/\/$/, ''), to.replace(/\/$/, ''));
  return [...m].filter(([a, b]) => a !== b).sort((x, y) => y[0].length - x[0].length);
})();
function mapRepoPath(/** @type {string} */ p) {
  for (const [a, b] of PATH_MAP) if (p === a || p.startsWith(`${a}/`)) return b + p.slice(a.length);
  return p;
}
function replaceRepoPaths(/** @type {string} */ text) {
  return text.replace(/packages\/db\/[A-Za-z0-9_./-]*[A-Za-z0-9_-]/g, (m) => {
    // A path written with a trailing dot-file extension part or a folder; map the longest prefix.
    const mapped = mapRepoPath(m);
    return mapped;
  });
}
function relSpec(/** @type {string} */ fromFile, /** @type {string} */ toFile) {
  let rel = posix(path.relative(path.dirname(fromFile), toFile));
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

/** Rewrite one code file; returns the new text. */
function rewriteCode(/** @type {string} */ file, /** @type {string} */ text) {
  const oldFile = oldOf(file);
  const myPkg = pkgOf(file);
  /** @type {{ start: number; end: number; text: string }[]} */
  const edits = [];
  const sf = parseSource(file, text);
  // Named imports/exports from '@warehouse/db' whose names now live in another package: split.
  for (const st of sf.statements) {
    const isImp = ts.isImportDeclaration(st);
    const isExp = ts.isExportDeclaration(st);
    if (!(isImp || isExp) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const spec = st.moduleSpecifier.text;
    const target =
      spec === '@warehouse/db'
        ? `${DB}/src/index.ts`
        : spec.startsWith('.')
          ? resolveFile(posix(path.join(path.dirname(oldFile), spec)), beforeSet)
          : null;
    if (target !== `${DB}/src/index.ts` && !(spec.startsWith('.') && target && after(target) === `${DB}/src/index.ts`))
      continue;
    /** @type {import('typescript').NodeArray<import('typescript').ImportSpecifier | import('typescript').ExportSpecifier> | undefined} */
    let elements;
    if (isImp) {
      const nb = st.importClause?.namedBindings;
      if (st.importClause?.name || !nb || !ts.isNamedImports(nb)) continue;
      elements = nb.elements;
    } else {
      if (!st.exportClause || !ts.isNamedExports(st.exportClause)) continue;
      elements = st.exportClause.elements;
    }
    /** @type {Map<string, string[]>} */
    const groups = new Map();
    for (const e of elements) {
      const home = NAME_HOME.get((e.propertyName ?? e.name).text) ?? DB;
      groups.set(home, [...(groups.get(home) ?? []), e.getText(sf)]);
    }
    if (groups.size === 1 && groups.has(DB)) continue;
    const typeOnly = isImp ? st.importClause?.isTypeOnly : st.isTypeOnly;
    const kw = isImp ? 'import' : 'export';
    const parts = [...groups].map(([home, els]) => {
      const to = home === myPkg ? relSpec(file, /** @type {string} */ (EXPORTS.get(home)?.get('.'))) : pkgName(home);
      // Only types left for this package: one `import type` (no side-effect import remains).
      const allTypes = !typeOnly && els.every((e) => e.startsWith('type '));
      const list = allTypes ? els.map((e) => e.slice(5)) : els;
      return `${kw} ${typeOnly || allTypes ? 'type ' : ''}{ ${list.join(', ')} } from '${to}';`;
    });
    edits.push({ start: st.getStart(sf), end: st.getEnd(), text: parts.join('\n') });
  }
  const inEdits = (/** @type {number} */ pos) => edits.some((e) => pos >= e.start && pos < e.end);
  for (const s of specifiers(file, text)) {
    if (inEdits(s.start)) continue;
    let next = null;
    const oldTarget = s.text.startsWith('.')
      ? resolveFile(posix(path.join(path.dirname(oldFile), s.text)), beforeSet)
      : null;
    const barrelNames =
      s.kind === 'import' && (s.text === '@warehouse/db' || oldTarget === `${DB}/src/index.ts`)
        ? namesAt(sf, s.node)
        : [];
    const homes = new Set(barrelNames.map((n) => NAME_HOME.get(n) ?? DB));
    if (homes.size === 1 && !homes.has(DB)) {
      // `const { x } = await import('@warehouse/db')` where x now lives in another package.
      const home = /** @type {string} */ ([...homes][0]);
      next = home === myPkg ? relSpec(file, /** @type {string} */ (EXPORTS.get(home)?.get('.'))) : pkgName(home);
    } else if (s.text === '@warehouse/db' || s.text.startsWith('@warehouse/db/')) {
      const f = OLD_SPEC_FILE.get(s.text);
      if (f && pkgOf(f) !== DB) {
        next =
          pkgOf(f) === myPkg && s.kind === 'import' && !file.endsWith('vitest.config.ts')
            ? relSpec(file, f)
            : specifierFor(f, []);
      } else if (f && pkgOf(f) === DB && s.text !== '@warehouse/db') {
        next = specifierFor(f, []);
      }
    } else if (s.kind === 'import' && s.text.startsWith('.')) {
      const t = resolveFile(posix(path.join(path.dirname(oldFile), s.text)), beforeSet);
      if (t && (moves.has(t) || moves.has(oldFile))) {
        const nt = after(t);
        const np = pkgOf(nt);
        if (np === myPkg || !np) next = relSpec(file, nt);
        else next = specifierFor(nt, namesAt(sf, s.node));
        if (next && next.startsWith('.') && /\.(ts|tsx)$/.test(s.text) === false)
          next = next.replace(/\.(ts|tsx)$/, '');
      }
    } else if (s.kind === 'string' && /^\.\.?\/\S*$/.test(s.text) && moves.has(oldFile)) {
      // A path written relative to this file (`'../../prisma/views'`): keep it pointing at the same thing.
      const target = posix(path.join(path.dirname(oldFile), s.text));
      if (beforeSet.has(target) || before.some((f) => f.startsWith(`${target}/`)) || exists(target)) {
        let rel = posix(path.relative(path.dirname(file), afterPath(target))) || '.';
        if (s.text.startsWith('./') && !rel.startsWith('.')) rel = `./${rel}`;
        if (s.text.endsWith('/') && !rel.endsWith('/')) rel += '/';
        next = rel;
      }
    }
    if (next !== null && !next.startsWith('.')) next = narrow(next, namesAt(sf, s.node), myPkg);
    if (next !== null && next !== s.text) edits.push({ start: s.start, end: s.end, text: next });
  }
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
/** The file a bare workspace specifier names (after the move), or null. */
function fileOfSpec(/** @type {string} */ spec) {
  const [scope, name, ...rest] = spec.split('/');
  const dir = WORKSPACE_DIRS.get(`${scope}/${name}`);
  return (dir && EXPORTS.get(dir)?.get(rest.length ? `./${rest.join('/')}` : '.')) ?? null;
}
/**
 * `import { a } from '@warehouse/migrate/catalog'` where the barrel only re-exports `a` from a
 * package below it (db's views): import it from there, so the arrow points where the code is.
 */
function narrow(/** @type {string} */ spec, /** @type {string[]} */ names, /** @type {string} */ myPkg) {
  const barrel = fileOfSpec(spec);
  if (!barrel || !names.length || !existsSync(path.join(ROOT, barrel))) return spec;
  const sf = ts.createSourceFile(barrel, read(barrel), ts.ScriptTarget.Latest, true);
  /** @type {Map<string, string>} */
  const from = new Map();
  for (const st of sf.statements) {
    if (!ts.isExportDeclaration(st) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    if (!st.exportClause || !ts.isNamedExports(st.exportClause)) continue;
    const m = st.moduleSpecifier.text;
    // The barrel may not be rewritten yet: its relative specifiers are then still the old ones.
    const old = m.startsWith('.') ? resolveFile(posix(path.join(path.dirname(oldOf(barrel)), m)), beforeSet) : null;
    const f = m.startsWith('.')
      ? (resolveFile(posix(path.join(path.dirname(barrel), m)), afterSet) ?? (old ? after(old) : null))
      : fileOfSpec(m);
    if (f) for (const e of st.exportClause.elements) from.set(e.name.text, f);
  }
  const files = new Set(names.map((n) => from.get(n) ?? ''));
  if (files.size !== 1 || files.has('')) return spec;
  const target = /** @type {string} */ ([...files][0]);
  const q = pkgOf(target);
  if (q === pkgOf(barrel) || q === myPkg) return spec;
  return specifierFor(target, names) ?? spec;
}
/** Names imported by the declaration around a specifier node. */
function namesAt(/** @type {import('typescript').SourceFile} */ sf, /** @type {import('typescript').Node} */ node) {
  const st = node.parent;
  void sf;
  if (st && ts.isImportDeclaration(st)) {
    const nb = st.importClause?.namedBindings;
    if (nb && ts.isNamedImports(nb) && !st.importClause?.name)
      return nb.elements.map((e) => (e.propertyName ?? e.name).text);
  }
  if (st && ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause))
    return st.exportClause.elements.map((e) => (e.propertyName ?? e.name).text);
  // const { a, b: c } = await import('…')
  let up = st;
  if (up && ts.isCallExpression(up)) up = up.parent;
  if (up && ts.isAwaitExpression(up)) up = up.parent;
  if (up && ts.isVariableDeclaration(up) && ts.isObjectBindingPattern(up.name))
    return up.name.elements.map((e) =>
      (e.propertyName && ts.isIdentifier(e.propertyName) ? e.propertyName : e.name).getText(),
    );
  return [];
}

// Text edits that no rule can compute: files of db that stay and name moved files by a path
// split into segments, or as a command. Each is applied only where its `from` is found.
const PATCHES = [
  {
    // db's config moved to migrate with db's floor; migrate's own figures (wip/split, 2026-12-07,
    // WAREHOUSE_COVERAGE=1 pnpm exec vitest run): 84.3 % statements, 73.2 % branches, 82.2 % functions, 85.4 % lines.
    file: 'packages/migrate/vitest.config.ts',
    from: '    coverage: coverageFloor({ statements: 74, branches: 65, functions: 71, lines: 75 }),',
    to:
      '    // Floor just under its figures when it was split from packages/db (2026-12-07): 84.3 % statements,\n' +
      '    // 73.2 % branches, 82.2 % functions, 85.4 % lines.\n' +
      '    coverage: coverageFloor({ statements: 83, branches: 72, functions: 81, lines: 84 }),',
  },
  {
    file: 'docs/design.md',
    from: 'except in packages/db and packages/cli, whose WASM schema engine',
    to: 'except in packages/migrate and packages/cli, whose WASM schema engine',
  },
  {
    file: 'README.md',
    from: 'packages/db and packages/cli stay isolated',
    to: 'packages/migrate and packages/cli stay isolated',
  },
  {
    file: 'README.md',
    from: 'cd packages/db && pnpm exec vitest run test/migrator.test.ts',
    to: 'cd packages/migrate && pnpm exec vitest run test/migrator.test.ts',
  },
  {
    file: `${DB}/prisma.config.ts`,
    from: "  'bin',\n  'schema-engine',",
    to: "  '..',\n  'migrate',\n  'bin',\n  'schema-engine',",
  },
  {
    file: `${DB}/prisma.config.ts`,
    from: "seed: 'tsx scripts/prisma-seed.ts'",
    to: "seed: 'tsx ../demo/scripts/prisma-seed.ts'",
  },
  {
    file: `${DB}/prisma.config.ts`,
    from: '// uses bin/schema-engine, the WASM stand-in',
    to: '// uses packages/migrate/bin/schema-engine, the WASM stand-in',
  },
  {
    file: `${DB}/scripts/generate.ts`,
    from: "path.join(packageDir, 'bin', 'schema-engine')",
    to: "path.join(packageDir, '..', 'migrate', 'bin', 'schema-engine')",
  },
  {
    file: `${DB}/scripts/generate.ts`,
    from: 'it is pointed at bin/schema-engine,',
    to: 'it is pointed at packages/migrate/bin/schema-engine,',
  },
  {
    file: 'tooling/vitest/index.js',
    from: "resolve('@warehouse/db/testing/global-setup')",
    to: "resolve('@warehouse/migrate/testing/global-setup')",
  },
  {
    file: 'tooling/vitest/index.js',
    from: '(it depends on `@warehouse/db`; `@warehouse/db` resolves itself)',
    to: '(it depends on `@warehouse/migrate`; `@warehouse/migrate` resolves itself)',
  },
];

const SELF = 'tooling/split-db/';
const codeFiles = [...afterSet].filter(
  (f) =>
    CODE_EXT.test(f) && !f.startsWith(SELF) && !f.includes('/generated/') && !f.includes('node_modules/') && exists(f),
);
for (const f of codeFiles) {
  const text = read(f);
  let out = rewriteCode(f, text);
  // `@warehouse/db/<sub>` written in comments and strings that are not imports.
  out = out.replace(/@warehouse\/db\/[a-z][a-z/-]*[a-z]/g, (m) => {
    const t = OLD_SPEC_FILE.get(m);
    return t && pkgOf(t) !== DB ? (specifierFor(t, []) ?? m) : m;
  });
  out = replaceRepoPaths(out);
  if (out !== text) write(f, out);
}
for (const f of [...afterSet].filter(
  (x) =>
    TEXT_EXT.test(x) &&
    !CODE_EXT.test(x) &&
    !x.startsWith(SELF) &&
    exists(x) &&
    !x.includes('/prisma/migrations') &&
    x !== 'pnpm-lock.yaml' &&
    !x.startsWith(`${DB}/sql/`),
)) {
  const text = read(f);
  let out = replaceRepoPaths(text);
  out = out.replace(/@warehouse\/db\/[a-z][a-z/-]*[a-z]/g, (m) => {
    const t = OLD_SPEC_FILE.get(m);
    return t && pkgOf(t) !== DB ? (specifierFor(t, []) ?? m) : m;
  });
  if (out !== text) write(f, out);
}
// Tests that moved to migrate take the stand-in engine from migrate's bin/ and the rest (the
// prisma/ folder, the Prisma CLI and its config) from db, which their `packageDir` now names.
for (const f of [...afterSet].filter((x) => x.startsWith('packages/migrate/test/') && x.endsWith('.ts') && exists(x)))
  PATCHES.push({
    file: f,
    from: "path.join(packageDir, 'bin', 'schema-engine')",
    to: "path.join(packageDir, '..', 'migrate', 'bin', 'schema-engine')",
  });
for (const p of PATCHES) {
  if (!exists(p.file)) continue;
  const text = read(p.file);
  if (text.includes(p.from) && (p.to.includes(p.from) ? !text.includes(p.to) : true))
    write(p.file, text.split(p.from).join(p.to));
  else if (!text.includes(p.to) && !p.file.startsWith('packages/migrate/test/'))
    process.stderr.write(
      `split-db: warning: ${p.file} has neither the text to patch nor its patched form; check by hand: ${JSON.stringify(p.from)}\n`,
    );
}

// Config files of the new packages (before their dependencies are read from their files).
for (const [dir, name] of Object.entries(NEW_PACKAGES)) {
  write(`${dir}/tsconfig.json`, read(`${DB}/tsconfig.json`));
  write(
    `${dir}/eslint.config.js`,
    read(`${DB}/eslint.config.js`).replace("boundaries('@warehouse/db')", `boundaries('${name}')`),
  );
  if (
    !exists(`${dir}/vitest.config.ts`) &&
    [...afterSet].some((f) => f.startsWith(`${dir}/test/`) && f.endsWith('.test.ts'))
  ) {
    // Floors just under the figures measured on wip/split (2026-12-07, WAREHOUSE_COVERAGE=1 pnpm exec
    // vitest run in the package); db's floor for a package not listed.
    /** @type {Record<string, [number, number, number, number, string]>} */
    const FLOORS = {
      'packages/env': [44, 52, 25, 44, '46.2 % statements, 54.3 % branches, 27.2 % functions, 46.0 % lines'],
      'packages/demo': [80, 73, 77, 82, '81.9 % statements, 74.6 % branches, 79.0 % functions, 83.5 % lines'],
    };
    const [st, br, fn, ln, measured] = FLOORS[dir] ?? [74, 65, 71, 75, "packages/db's floor before the split"];
    const floor = `coverageFloor({ statements: ${st}, branches: ${br}, functions: ${fn}, lines: ${ln} })`;
    const why =
      `// Floor just under ${FLOORS[dir] ? `its figures when it was split from packages/db: ${measured}` : measured}.\n` +
      (dir === 'packages/env'
        ? `// Low because env's database code (identity, marker, embedded server) is tested from packages/migrate,\n// packages/cli and apps/api, whose tests have a database; env's own tests cannot (see below).\n`
        : '');
    // Below migrate (env) a package cannot use the preset's global setup (a migrated database
    // needs migrate, which imports env): its tests are the ones that need no database.
    const preset = LAYER[/** @type {keyof typeof LAYER} */ (dir)] > LAYER['packages/migrate'];
    write(
      `${dir}/vitest.config.ts`,
      preset
        ? `import { coverageFloor, warehouseVitest } from '@warehouse/vitest-config';\n\n${why}` +
            `export default warehouseVitest(import.meta.url, {\n  test: { coverage: ${floor} },\n});\n`
        : `import { defineConfig } from 'vitest/config';\nimport { coverageFloor, FILE_SCOPE_SETUP } from '@warehouse/vitest-config';\n\n` +
            `// No global setup: tests here need no database (those that do are in packages/migrate, which may\n` +
            `// depend on this package; the preset's setup lives there).\n${why}` +
            `export default defineConfig({\n  test: {\n    include: ['test/**/*.test.ts'],\n    isolate: false,\n    setupFiles: [FILE_SCOPE_SETUP],\n    coverage: ${floor},\n  },\n});\n`,
    );
  }
}
// ---------------------------------------------------------------------------------------------
// 5. package.json of every package: new packages, exports, and workspace deps = what is imported.
// ---------------------------------------------------------------------------------------------
const WORKSPACE = new Map(PKG_DIRS.map((d) => [pkgName(d), d]));
const oldDbDeps = { ...dbPkg.dependencies, ...dbPkg.devDependencies };
/** Bare specifiers a package's files import: name → 'prod' | 'dev'. */
function importsOf(/** @type {string} */ dir) {
  /** @type {Map<string, 'prod' | 'dev'>} */
  const out = new Map();
  for (const f of [...afterSet].filter(
    (x) => x.startsWith(`${dir}/`) && CODE_EXT.test(x) && !x.includes('/generated/') && exists(x),
  )) {
    const dev = /\/(test|bench)\//.test(f) || /(vitest|eslint)\.config\.(ts|js)$/.test(f);
    for (const s of specifiers(f, read(f))) {
      if (s.text.startsWith('.') || s.text.startsWith('node:') || !/^[@a-z]/.test(s.text)) continue;
      if (s.kind !== 'import' && !s.text.startsWith('@warehouse/')) continue;
      if (s.kind !== 'import' && !WORKSPACE.has(s.text.split('/').slice(0, 2).join('/'))) continue;
      const name = s.text.startsWith('@') ? s.text.split('/').slice(0, 2).join('/') : s.text.split('/')[0];
      if (!dev) out.set(name, 'prod');
      else if (!out.has(name)) out.set(name, 'dev');
    }
  }
  return out;
}
/** @type {Map<string, any>} */
const PJ = new Map();
const TOOLING = [
  '@warehouse/eslint-config',
  '@warehouse/tsconfig',
  '@warehouse/vitest-config',
  '@warehouse/prettier-config',
];
for (const dir of PKG_DIRS.filter((d) => d.startsWith('packages/') || d.startsWith('apps/'))) {
  const isNew = dir in NEW_PACKAGES;
  const pj = exists(`${dir}/package.json`)
    ? JSON.parse(read(`${dir}/package.json`))
    : {
        name: pkgName(dir),
        version: '0.1.0',
        private: true,
        type: 'module',
        exports: {},
        scripts: {},
        dependencies: {},
        devDependencies: {},
      };
  const imports = importsOf(dir);
  // The vitest preset resolves the global setup from the package: it needs migrate.
  const vc = exists(`${dir}/vitest.config.ts`) ? read(`${dir}/vitest.config.ts`) : '';
  if (/warehouseVitest\(/.test(vc) && !imports.has('@warehouse/migrate') && dir !== 'packages/migrate')
    imports.set('@warehouse/migrate', 'dev');
  pj.dependencies ??= {};
  pj.devDependencies ??= {};
  for (const dep of Object.keys({ ...pj.dependencies, ...pj.devDependencies }))
    if (WORKSPACE.has(dep) && !TOOLING.includes(dep) && (!imports.has(dep) || dep === pj.name)) {
      delete pj.dependencies[dep];
      delete pj.devDependencies[dep];
    }
  for (const [dep, kind] of imports) {
    if (dep === pj.name || TOOLING.includes(dep)) continue;
    const isWs = WORKSPACE.has(dep);
    if (!isWs && !isNew && dir !== DB) continue; // only the split's packages get their external deps computed
    const version = isWs ? 'workspace:*' : (pj.dependencies[dep] ?? pj.devDependencies[dep] ?? oldDbDeps[dep]);
    if (!version) continue;
    delete pj.dependencies[dep];
    delete pj.devDependencies[dep];
    (kind === 'prod' ? pj.dependencies : pj.devDependencies)[dep] = version;
  }
  if (isNew || dir === DB) {
    // External deps: exactly those imported (plus the CLIs a script runs).
    const keepExternal = new Set([...imports.keys()]);
    // db: the Prisma CLI its scripts run, and the runtime its generated client imports.
    if (dir === DB) ['prisma', '@prisma/client', 'eslint'].forEach((d) => keepExternal.add(d));
    else ['eslint'].forEach((d) => keepExternal.add(d));
    for (const section of ['dependencies', 'devDependencies'])
      for (const dep of Object.keys(pj[section]))
        if (!WORKSPACE.has(dep) && !keepExternal.has(dep) && !dep.startsWith('@types/')) delete pj[section][dep];
    for (const t of ['@warehouse/eslint-config', '@warehouse/tsconfig']) pj.devDependencies[t] = 'workspace:*';
    if (exists(`${dir}/vitest.config.ts`)) pj.devDependencies['@warehouse/vitest-config'] = 'workspace:*';
    else delete pj.devDependencies['@warehouse/vitest-config'];
    if (!pj.devDependencies.eslint) pj.devDependencies.eslint = oldDbDeps.eslint;
    if (imports.has('pg')) pj.devDependencies['@types/pg'] = oldDbDeps['@types/pg'];
    else delete pj.devDependencies['@types/pg'];
    // exports
    const ex = /** @type {Map<string, string>} */ (EXPORTS.get(dir));
    const sorted = [...ex].sort((a, b) => (a[0] === '.' ? -1 : b[0] === '.' ? 1 : 0));
    pj.exports = Object.fromEntries(sorted.map(([sub, f]) => [sub, `./${posix(path.relative(dir, f))}`]));
    pj.scripts ??= {};
    if (exists(`${dir}/vitest.config.ts`)) pj.scripts.test = 'vitest run';
    else delete pj.scripts.test;
    pj.scripts.typecheck = 'tsc -p tsconfig.json';
    pj.scripts.lint = 'eslint .';
  }
  for (const section of ['dependencies', 'devDependencies'])
    pj[section] = Object.fromEntries(Object.entries(pj[section]).sort(([a], [b]) => a.localeCompare(b)));
  if (isNew) {
    const order = ['name', 'version', 'private', 'type', 'exports', 'scripts', 'dependencies', 'devDependencies'];
    const o = Object.fromEntries(order.filter((k) => k in pj).map((k) => [k, pj[k]]));
    Object.assign(o, pj);
    PJ.set(dir, o);
  } else PJ.set(dir, pj);
}
for (const [dir, pj] of PJ) write(`${dir}/package.json`, JSON.stringify(pj, null, 2) + '\n');

// Arrows: no cycle, and db imports none of the new packages.
const WS_DEPS = new Map(
  [...PJ].map(([dir, pj]) => [
    pj.name,
    Object.keys({ ...pj.dependencies, ...pj.devDependencies })
      .filter((d) => WORKSPACE.has(d) && !TOOLING.includes(d))
      .sort(),
  ]),
);
for (const n of Object.values(NEW_PACKAGES))
  if (WS_DEPS.get('@warehouse/db')?.includes(n))
    throw new Error(`@warehouse/db would import ${n}: an arrow back up; see the files that import it`);
{
  const seen = new Set();
  const stack = new Set();
  const visit = (/** @type {string} */ n, /** @type {string[]} */ trail) => {
    if (stack.has(n)) throw new Error(`dependency cycle: ${[...trail, n].join(' → ')}`);
    if (seen.has(n)) return;
    seen.add(n);
    stack.add(n);
    for (const d of WS_DEPS.get(n) ?? []) visit(d, [...trail, n]);
    stack.delete(n);
  };
  for (const n of WS_DEPS.keys()) visit(n, []);
}

// ---------------------------------------------------------------------------------------------
// 6. Config files of the new packages, db's without tests, and the boundaries table.
// ---------------------------------------------------------------------------------------------
// db keeps no tests (they need a migrated database, i.e. migrate): its turbo `test` has nothing to run.
if (exists(`${DB}/turbo.json`)) {
  const tj = JSON.parse(read(`${DB}/turbo.json`));
  if (tj.tasks?.test && !exists(`${DB}/vitest.config.ts`)) {
    delete tj.tasks.test;
    write(`${DB}/turbo.json`, JSON.stringify(tj, null, 2) + '\n');
  }
}
{
  const file = 'tooling/eslint/boundaries.js';
  let text = read(file);
  const block = /export const ALLOWED_IMPORTS = \{\n([\s\S]*?)\n\};/.exec(text);
  if (!block) throw new Error(`${file}: ALLOWED_IMPORTS not found`);
  const lines = block[1].split('\n');
  /** @type {string[]} */
  const out = [];
  const have = new Set();
  for (const line of lines) {
    const m = /^(\s*)'(@warehouse\/[a-z-]+)': \[.*\],?$/.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    have.add(m[2]);
    out.push(`${m[1]}'${m[2]}': [${(WS_DEPS.get(m[2]) ?? []).map((d) => `'${d}'`).join(', ')}],`);
    if (m[2] === '@warehouse/db')
      for (const n of Object.values(NEW_PACKAGES))
        if (!block[1].includes(`'${n}':`)) {
          out.push(`  '${n}': [${(WS_DEPS.get(n) ?? []).map((d) => `'${d}'`).join(', ')}],`);
          have.add(n);
        }
  }
  text = text.replace(block[0], `export const ALLOWED_IMPORTS = {\n${out.join('\n')}\n};`);
  write(file, text);
  const tfile = 'tooling/eslint/boundaries.test.js';
  let t = read(tfile);
  for (const dir of Object.keys(NEW_PACKAGES))
    if (!t.includes(`'${dir}',`)) t = t.replace("  'packages/db',\n", `  'packages/db',\n  '${dir}',\n`);
  const keys = [...WS_DEPS.keys()].sort();
  t = t.replace(
    /assert\.deepEqual\(Object\.keys\(ALLOWED_IMPORTS\)\.sort\(\), \[[\s\S]*?\]\);/,
    `assert.deepEqual(Object.keys(ALLOWED_IMPORTS).sort(), [\n${keys.map((k) => `    '${k}',`).join('\n')}\n  ]);`,
  );
  t = t.replace(
    "for (const wrong of ['@warehouse/cli', '@warehouse/refresher', '@warehouse/command', '@warehouse/api']) {",
    `for (const wrong of ['@warehouse/cli', '@warehouse/refresher', '@warehouse/command', '@warehouse/api', ${Object.values(
      NEW_PACKAGES,
    )
      .map((n) => `'${n}'`)
      .join(', ')}]) {`,
  );
  t = t.replace(
    "test('packages/db may not import the CLI, the refresher, command or an app',",
    "test('packages/db may not import the CLI, the refresher, command, an app or the packages split from it',",
  );
  write(tfile, t);
}

// ---------------------------------------------------------------------------------------------
// 7. README's Layout table and docs/design.md's package list.
// ---------------------------------------------------------------------------------------------
const subs = (/** @type {string} */ dir) =>
  [...(EXPORTS.get(dir) ?? new Map()).keys()]
    .sort()
    .map((s) => `\`${s}\``)
    .join(', ');
const README_ROWS = {
  'packages/db': `the schema and its contract: \`prisma/schema.prisma\`, \`prisma/migrations/\` (Prisma format), \`prisma/views/\` (the view catalog), \`sql/schema_head.sql\`, the CSV-kind contract (\`@warehouse/db/kinds\`), Prisma client (\`@warehouse/db/client\`), data access (\`./uploads\`, \`./accounts\`, \`./pg\`)`,
  'packages/migrate': `the migration toolkit: the runner (\`@warehouse/migrate\`), SQL parser and linter, view-catalog planner, Prisma's schema engine offline (\`@warehouse/migrate/engine\`, \`bin/schema-engine\`), test helpers (\`@warehouse/migrate/testing\`), benchmarks`,
  'packages/env': `environments: the registry (\`environments.json\`), URL resolution, identity and protection marker, connection parsing, the embedded PostgreSQL server`,
  'packages/demo': `demo data (\`@warehouse/demo\`) and the reference seeds (\`@warehouse/demo/seed\`, \`prisma db seed\`)`,
};
{
  const file = 'README.md';
  let text = read(file);
  const lines = text.split('\n');
  const i = lines.findIndex((l) => /^\| `packages\/db`\s*\|/.test(l));
  if (i >= 0) {
    const rows = Object.entries(README_ROWS).map(([p, what]) => `| \`${p}\` | ${what} |`);
    let j = i + 1;
    while (j < lines.length && Object.keys(README_ROWS).some((p) => lines[j].startsWith(`| \`${p}\``))) j++;
    lines.splice(i, j - i, ...rows);
    text = lines.join('\n');
    write(file, text);
  }
}
{
  const file = 'docs/design.md';
  let text = read(file);
  const start = text.indexOf('- `packages/db` (`@warehouse/db`):');
  const end = text.indexOf('- `packages/refresher` (`@warehouse/refresher`)');
  if (start >= 0 && end > start) {
    const bullets = [
      `- \`packages/db\` (\`@warehouse/db\`): the schema and its contract — \`prisma/schema.prisma\`, the migrations,\n` +
        `  the view catalog \`prisma/views\` (read by \`./views\`), the snapshot \`sql/\`, the Prisma client (generated into\n` +
        `  \`packages/db/src/generated/prisma\`, gitignored, by \`scripts/generate.ts\`, the package's \`postinstall\` and \`build\`),\n` +
        `  the CSV-kind contract (see "Adding a CSV kind"), the calendar-date rule, the schema objects head must contain,\n` +
        `  and the data access the API and the CLI share. Subpath exports: ${subs('packages/db')}. It imports none of the\n` +
        `  packages split from it. Its \`prisma.config.ts\` runs the Prisma CLI with migrate's \`bin/schema-engine\` and\n` +
        `  demo's \`scripts/prisma-seed.ts\` (paths, not imports). Its code is tested from \`packages/migrate/test\`\n` +
        `  (those tests need a migrated database).`,
      `- \`packages/migrate\` (\`@warehouse/migrate\`): the migration toolkit — the runner, the SQL parser and linter,\n` +
        `  the view-catalog planner and swap, Prisma's schema engine (docs/prisma-engine.md), the test helpers and the\n` +
        `  vitest global setup every package's tests use, the migration benchmarks. Subpath exports: ${subs('packages/migrate')}.`,
      `- \`packages/env\` (\`@warehouse/env\`): environments — the registry, which URL wins (\`resolveDatabase\`),\n` +
        `  identity, protection marker, connection parsing, the embedded PostgreSQL and the throw-away server\n` +
        `  (\`startThrowawayServer\`) that \`db:snapshot\`, benchmarks and tests use. Subpath exports: ${subs('packages/env')}.`,
      `- \`packages/demo\` (\`@warehouse/demo\`): demo data and the reference seeds (\`seedReference\`, the one way\n` +
        `  reference data is written; \`scripts/prisma-seed.ts\` is \`prisma db seed\`). Subpath exports: ${subs('packages/demo')}.`,
    ];
    text = text.slice(0, start) + bullets.join('\n') + '\n' + text.slice(end);
  }
  const arrows = [...WS_DEPS]
    .filter(([, d]) => d.length)
    .map(([n, d]) => `\`${n}\` → ${d.map((x) => `\`${x}\``).join(', ')}`)
    .join('; ');
  const para = /(## Layout\n\n)Package edges run one way: [\s\S]*?(\n\n- `packages\/)/;
  if (para.test(text))
    text = text.replace(
      para,
      (_, a, b) =>
        `${a}Package edges run one way (dependencies and dev dependencies, as each package.json declares them): ${arrows}.\n` +
        `No app imports \`@warehouse/cli\`, and \`@warehouse/db\` imports none of the packages split from it. The arrows\n` +
        `are a table in \`tooling/eslint/boundaries.js\` that every package's eslint.config.js applies as\n` +
        `\`no-restricted-imports\`, so a wrong-way import fails \`pnpm lint\`; \`pnpm --filter @warehouse/eslint-config test\`\n` +
        `proves the rule fires and that the table matches the package.json dependencies.${b}`,
    );
  write(file, text);
}

// Leftovers: nothing may still point into the old places.
const problems = [];
for (const f of [...afterSet].filter((x) => CODE_EXT.test(x) && exists(x) && !x.includes('/generated/'))) {
  for (const s of specifiers(f, read(f))) {
    if (s.kind !== 'import') continue;
    if (s.text.startsWith('.')) {
      const t = resolveFile(posix(path.join(path.dirname(f), s.text)), new Set([...afterSet, ...written]));
      if (!t && !/\.(css|svg|png|json)$/.test(s.text) && !s.text.includes('generated'))
        problems.push(`${f}: ${s.text} resolves to nothing`);
    } else if (s.text.startsWith('@warehouse/')) {
      const [scope, name, ...rest] = s.text.split('/');
      const dir = WORKSPACE.get(`${scope}/${name}`);
      const pj = dir && PJ.get(dir);
      const sub = rest.length ? `./${rest.join('/')}` : '.';
      if (pj?.exports && !(sub in pj.exports)) problems.push(`${f}: ${s.text} is not an export of ${pj.name}`);
    }
  }
}
if (existsSync(path.join(ROOT, DB, 'src')))
  for (const d of readdirSync(path.join(ROOT, DB, 'src')))
    if (
      statSync(path.join(ROOT, DB, 'src', d)).isDirectory() &&
      readdirSync(path.join(ROOT, DB, 'src', d)).length === 0
    )
      rmSync(path.join(ROOT, DB, 'src', d), { recursive: true });
if (problems.length) {
  process.stderr.write(`split-db: ${problems.length} imports still point nowhere:\n${problems.join('\n')}\n`);
  process.exit(1);
}
log(`split-db: ${moves.size} files moved, ${written.size} files written${DRY ? ' (dry run)' : ''}`);
