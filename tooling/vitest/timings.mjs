#!/usr/bin/env node
// @ts-check
/**
 * Per-file test times as a Markdown table, from vitest's JSON reports (docs/test-timings.md).
 *
 *   pnpm exec turbo run test --force -- --reporter=default --reporter=json --outputFile.json=.timings.json
 *   node tooling/vitest/timings.mjs .timings.json                 # one run
 *   node tooling/vitest/timings.mjs .timings-before.json .timings-after.json [before-root]
 *
 * Each report name is looked up in every package folder (packages/*, apps/*); a third argument
 * is another checkout holding the first run's reports. A file's time is its end minus its start
 * as vitest reports them (collection, hooks and tests), so it includes waiting for the machine.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [first, second, firstRoot = repo] = process.argv.slice(2);
if (!first || first === '--help' || first === '-h') {
  console.log('usage: node tooling/vitest/timings.mjs REPORT.json [AFTER.json [BEFORE-CHECKOUT]]');
  process.exit(first ? 0 : 1);
}

const packages = ['packages', 'apps'].flatMap((d) =>
  readdirSync(path.join(repo, d))
    .map((p) => `${d}/${p}`)
    .sort(),
);

/** @param {string} root @param {string} pkg @param {string} name */
function read(root, pkg, name) {
  const file = path.join(root, pkg, name);
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const files = new Map();
  for (const r of report.testResults) {
    const tests = r.assertionResults;
    files.set(path.relative(path.join(root, pkg), r.name), {
      s: (r.endTime - r.startTime) / 1000,
      passed: tests.filter((/** @type {{status: string}} */ t) => t.status === 'passed').length,
      skipped: tests.filter((/** @type {{status: string}} */ t) => t.status === 'skipped' || t.status === 'pending')
        .length,
      failed: tests.filter((/** @type {{status: string}} */ t) => t.status === 'failed').length,
    });
  }
  return files;
}

const s = (/** @type {number | undefined} */ x) => (x === undefined ? '—' : x.toFixed(1));
const count = (/** @type {{passed: number, skipped: number, failed: number} | undefined} */ f) =>
  f ? `${f.passed}${f.skipped ? ` + ${f.skipped} skipped` : ''}${f.failed ? ` + ${f.failed} FAILED` : ''}` : '—';
/** @param {Map<string, {s: number, passed: number, skipped: number, failed: number}> | undefined} m */
const total = (m) =>
  m &&
  [...m.values()].reduce(
    (a, f) => ({
      s: a.s + f.s,
      passed: a.passed + f.passed,
      skipped: a.skipped + f.skipped,
      failed: a.failed + f.failed,
    }),
    { s: 0, passed: 0, skipped: 0, failed: 0 },
  );

const out = [];
const summary = [];
for (const pkg of packages) {
  const a = read(firstRoot, pkg, first);
  const b = second ? read(repo, pkg, second) : undefined;
  if (!a && !b) continue;
  const names = [...new Set([...(a?.keys() ?? []), ...(b?.keys() ?? [])])].sort(
    (x, y) => (b?.get(y)?.s ?? a?.get(y)?.s ?? 0) - (b?.get(x)?.s ?? a?.get(x)?.s ?? 0),
  );
  const ta = total(a);
  const tb = total(b);
  out.push('', `### ${pkg}`, '');
  if (second) {
    out.push('| file | tests before | s before | tests after | s after |', '|---|---:|---:|---:|---:|');
    for (const n of names)
      out.push(`| ${n} | ${count(a?.get(n))} | ${s(a?.get(n)?.s)} | ${count(b?.get(n))} | ${s(b?.get(n)?.s)} |`);
    out.push(`| **sum** | ${count(ta)} | ${s(ta?.s)} | ${count(tb)} | ${s(tb?.s)} |`);
    summary.push(`| ${pkg} | ${count(ta)} | ${s(ta?.s)} | ${count(tb)} | ${s(tb?.s)} |`);
  } else {
    out.push('| file | tests | s |', '|---|---:|---:|');
    for (const n of names) out.push(`| ${n} | ${count(a?.get(n))} | ${s(a?.get(n)?.s)} |`);
    out.push(`| **sum** | ${count(ta)} | ${s(ta?.s)} |`);
    summary.push(`| ${pkg} | ${count(ta)} | ${s(ta?.s)} |`);
  }
}
const head = second
  ? [
      '| package | tests before | s before (sum of files) | tests after | s after (sum of files) |',
      '|---|---:|---:|---:|---:|',
    ]
  : ['| package | tests | s (sum of files) |', '|---|---:|---:|'];
console.log([...head, ...summary, ...out].join('\n'));
