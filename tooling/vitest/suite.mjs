#!/usr/bin/env node
// `pnpm test` / `pnpm test:coverage`: every package's tests, two packages at a time, the longest first.
//
// Turborepo starts whichever tasks are ready first, and here that is the small packages (they wait
// on no build), so the three long suites (cli, api, web: about 100 s each) started last and the run
// ended with one of them alone on the machine. This runs the builds once through turbo, then each
// package's test task through turbo (`--only`: its builds are done), longest first into two lanes
// (LPT scheduling): the same tasks, cache and logs, in an order that keeps both cores busy.
//
//   node tooling/vitest/suite.mjs [--concurrency N] [--list] [--timings NAME]
//   node tooling/vitest/suite.mjs -- <turbo args>     # anything else: one plain `turbo run test`
//
// WAREHOUSE_COVERAGE, TURBO_FORCE and the rest of the environment reach every task as before.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Packages by the wall time of their suite, longest first (clean-clone CI of 2026-12-07, Node 24:
 * cli 107 s, api 104 s, web 90 s, migrate ~60 s, refresher ~40 s, demo ~14 s, the rest ≤ 2 s).
 * A package not named here runs after these, in name order; `--list` prints the order.
 */
export const LONGEST_FIRST = [
  '@warehouse/cli',
  '@warehouse/api',
  '@warehouse/web',
  '@warehouse/migrate',
  '@warehouse/refresher',
  '@warehouse/demo',
];

const HELP = `Usage: pnpm test [-- --concurrency N] [-- --list]
       pnpm test -- <turbo args>      e.g. pnpm test -- --filter=@warehouse/api

Runs every workspace package's tests (real PostgreSQL, no Docker): the builds first, then each
package's \`test\` task through turbo, two packages at a time, the longest suites first.
  --concurrency N   packages at a time (default 2, or WAREHOUSE_TEST_CONCURRENCY)
  --list            print the order and exit
  --timings NAME    also write vitest's JSON report to <package>/NAME (per-file times:
                    node tooling/vitest/timings.mjs NAME renders them as a table)
Any other argument is passed to one plain \`turbo run test --concurrency=2 --continue\`.
Exit status: 0 when every package passed; 1 otherwise (the failing packages are named at the end).`;

/** Workspace packages with a `test` script, longest-known first; `vitest` says whether it is vitest's. */
export function testPackages(dir = root) {
  const found = [];
  for (const group of ['apps', 'packages', 'tooling']) {
    const base = path.join(dir, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const file = path.join(base, name, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg.scripts?.test) found.push({ name: pkg.name, vitest: /^vitest\b/.test(pkg.scripts.test) });
    }
  }
  const rank = (name) => {
    const i = LONGEST_FIRST.indexOf(name);
    return i === -1 ? LONGEST_FIRST.length : i;
  };
  return found.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

const running = new Set();
let stopping;
// A Ctrl+C in a terminal reaches the whole process group; a signal sent to this process alone
// (a CI timeout, \`kill PID\`) is passed on, and no further package starts.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = signal;
    for (const child of running) child.kill(signal);
  });
}

function turbo(args) {
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['exec', 'turbo', ...args], { cwd: root, stdio: 'inherit' });
    running.add(child);
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve(signal ? 128 : (code ?? 1));
    });
    child.on('error', (error) => {
      console.error(`could not start turbo: ${error.message}`);
      resolve(1);
    });
  });
}

async function main(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  let rawConcurrency = process.env.WAREHOUSE_TEST_CONCURRENCY ?? '2';
  let list = false;
  let timings;
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--concurrency') rawConcurrency = argv[++i] ?? '';
    else if (argv[i].startsWith('--concurrency=')) rawConcurrency = argv[i].slice('--concurrency='.length);
    else if (argv[i] === '--list') list = true;
    else if (argv[i] === '--timings') timings = argv[++i];
    else if (argv[i] !== '--') rest.push(argv[i]);
  }
  const concurrency = Number(rawConcurrency);
  if (!/^\d+$/.test(rawConcurrency) || concurrency < 1) {
    console.error(
      `--concurrency must be a whole number ≥ 1 (got ${JSON.stringify(rawConcurrency)}); e.g. --concurrency 2`,
    );
    return 2;
  }
  if (timings !== undefined && !/^[\w.-]+\.json$/.test(timings)) {
    console.error(
      `--timings takes a file name ending in .json (got ${JSON.stringify(timings)}); e.g. --timings .timings.json`,
    );
    return 2;
  }
  if (rest.length) return turbo(['run', 'test', '--concurrency=2', '--continue', ...rest]);
  const packages = testPackages();
  if (list) {
    console.log(packages.map((p) => p.name).join('\n'));
    return 0;
  }

  const started = Date.now();
  // The builds the tests depend on (turbo's `^build`: today db's generated client), once; the
  // lanes then run tests only. `<pkg>^...` selects a package's dependencies without itself, so
  // the console's own Vite build, which no test needs, is not made.
  const built = await turbo([
    'run',
    'build',
    '--output-logs=new-only',
    ...packages.map((p) => `--filter=${p.name}^...`),
  ]);
  if (built !== 0) {
    console.error('the build failed; no tests were run (its log is above)');
    return 1;
  }
  const queue = [...packages];
  const results = [];
  const lane = async () => {
    for (let pkg = queue.shift(); pkg && !stopping; pkg = queue.shift()) {
      const { name } = pkg;
      const t0 = Date.now();
      const json =
        timings && pkg.vitest ? ['--', '--reporter=default', '--reporter=json', `--outputFile.json=${timings}`] : [];
      const code = await turbo(['run', 'test', `--filter=${name}`, '--only', ...json]);
      results.push({ name, code, seconds: (Date.now() - t0) / 1000 });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, packages.length) }, lane));

  if (stopping) {
    console.error(`\nstopped by ${stopping}; ${queue.length} package(s) not run`);
    return 130;
  }
  const failed = results.filter((r) => r.code !== 0);
  console.log(
    `\nsuite: ${packages.length} packages, ${concurrency} at a time, ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  for (const r of results)
    console.log(`  ${r.code === 0 ? 'ok    ' : 'FAILED'} ${r.name.padEnd(24)} ${r.seconds.toFixed(0).padStart(4)} s`);
  if (failed.length) console.error(`\nfailed: ${failed.map((r) => r.name).join(', ')} (their logs are above)`);
  return failed.length ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
