#!/usr/bin/env tsx
/**
 * pnpm demo — start the API + worker on the local_demo database (embedded unless
 * DATABASE_URL_LOCAL_DEMO is set; never local_dev), generate the demo CSVs, upload them over HTTP,
 * wait for the MV refresh, print a few dashboard figures, stop. Flags: --months N (default 3), --help.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeDemoData, type ManifestFile } from '@warehouse/demo';
import { referenceRange } from '@warehouse/demo/seed';
import { loadConfig } from './config.ts';
import { createApiLogger } from './logger.ts';
import { startServer } from './server.ts';
import { parseOrExit } from '@warehouse/command';
import { CSV_TYPE, FLAVOUR, UPLOAD_STATUS } from '@warehouse/db/kinds';

const flags = parseOrExit({
  name: 'pnpm demo',
  summary: 'the whole upload path on generated data, then stop',
  description:
    'Starts the API and worker on the local_demo environment (never local_dev), uploads N months of\n' +
    'generated Shogun CSVs over HTTP, waits for the MV refresh and prints dashboard figures.',
  flags: {
    months: { type: 'string', default: '3', placeholder: 'N', description: 'months of demo data to upload (1–120)' },
  },
});
const months = Number(flags.months);
if (!Number.isInteger(months) || months < 1 || months > 120) {
  console.error(`error E_USAGE: --months ${flags.months} is not a whole number of months between 1 and 120`);
  process.exit(1);
}

const config = loadConfig(
  { ...process.env, DATABASE_URL: '' },
  { dbEnv: 'local_demo', port: 0, host: '127.0.0.1', logLevel: process.env.LOG_LEVEL ?? 'warn' },
);
const logger = createApiLogger(config);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const server = await startServer({ config, logger, seed: referenceRange() });
const dir = await mkdtemp(path.join(os.tmpdir(), 'warehouse-demo-'));
let exitCode = 0;
try {
  const base = server.url!;
  console.log(`demo API on ${base} (database local_demo)`);
  const endDate = new Date(Date.now() - 86400_000).toISOString().slice(0, 10);
  const manifest = await writeDemoData({ outDir: dir, months, endDate, seed: 'demo' });
  console.log(
    `generated ${manifest.totals.files} files, ${manifest.totals.rows} rows (${(manifest.totals.bytes / 1e6).toFixed(1)} MB), ${manifest.startDate} … ${manifest.endDate}`,
  );

  const headers: Record<string, string> = config.apiToken ? { authorization: `Bearer ${config.apiToken}` } : {};
  const ids: number[] = [];
  let duplicates = 0;
  const send = async (f: ManifestFile) => {
    const form = new FormData();
    form.append('flavour', f.flavour);
    form.append(f.csvType, new Blob([new Uint8Array(await readFile(path.join(dir, f.file)))]), path.basename(f.file));
    const res = await fetch(`${base}/upload/csv`, { method: 'POST', body: form, headers });
    const body = (await res.json()) as { uploads?: { id: number }[]; error?: string };
    if (res.status === 409)
      duplicates++; // already loaded by an earlier demo run
    else if (res.status !== 202) throw new Error(`upload of ${f.file} answered ${res.status}: ${body.error}`);
    else ids.push(body.uploads![0]!.id);
  };
  // Final files first, then flash, each in date order (as the office would upload them).
  const order = [...manifest.files].sort((a, b) =>
    a.flavour === b.flavour ? 0 : a.flavour === FLAVOUR.final ? -1 : 1,
  );
  // As many at once as the server lets one client run (UPLOAD_MAX_CONCURRENT_PER_CLIENT).
  const batch = config.uploadMaxPerClient;
  for (let i = 0; i < order.length; i += batch) await Promise.all(order.slice(i, i + batch).map(send));
  console.log(`uploaded ${ids.length} files (${duplicates} already loaded before)`);

  // Wait for every upload to land and the last refresh to finish.
  for (;;) {
    const res = await fetch(`${base}/uploads?limit=1000`, { headers });
    const { uploads } = (await res.json()) as {
      uploads: {
        id: number;
        status: string;
        refreshOutcome: string | null;
        csvType: string;
        errorMessage: string | null;
      }[];
    };
    const mine = uploads.filter((u) => ids.includes(u.id));
    const failed = mine.filter((u) => u.status === UPLOAD_STATUS.failed);
    if (failed.length) throw new Error(`upload ${failed[0]!.id} failed: ${failed[0]!.errorMessage}`);
    const landed = mine.filter((u) => u.status === UPLOAD_STATUS.success);
    const refreshed = landed.filter((u) => u.refreshOutcome || u.csvType === CSV_TYPE.yard);
    if (refreshed.length === ids.length) break;
    process.stdout.write(`\r  landed ${landed.length}/${ids.length}, refreshed ${refreshed.length}   `);
    await sleep(500);
  }
  console.log('\nall uploads landed and the MVs are refreshed');

  const last = manifest.files
    .filter((f) => f.csvType === CSV_TYPE.receive)
    .map((f) => f.dateTo)
    .filter(Boolean)
    .sort()
    .at(-1)!;
  const from = new Date(Date.parse(`${last}T00:00:00Z`) - 6 * 86400_000).toISOString().slice(0, 10);
  const daily = (await (await fetch(`${base}/inbound/daily?from=${from}&to=${last}`)).json()) as {
    days: { date: string; receiveNetTon: number; slipCount: number }[];
  };
  console.log(`\nreceived tons, ${from} … ${last}`);
  for (const d of daily.days)
    console.log(`  ${d.date}  ${d.receiveNetTon.toFixed(3).padStart(10)} t  ${String(d.slipCount).padStart(4)} slips`);
  const card = await (await fetch(`${base}/dashboard/target-card?date=${last}`)).json();
  console.log(`\ntarget card ${last}:`, card);
  const mv = (await (await fetch(`${base}/mv`)).json()) as {
    mvs: { mv: string; populated: boolean; lastRefreshAt: string | null }[];
  };
  console.log('\nMVs:');
  for (const m of mv.mvs)
    console.log(
      `  ${m.mv.padEnd(34)} ${m.populated ? 'populated' : 'NOT populated'}  last refresh ${m.lastRefreshAt ?? '-'}`,
    );
  console.log(`\ndemo done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} catch (error) {
  exitCode = 1;
  console.error(`pnpm demo failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await server.stop().catch(() => {});
  await rm(dir, { recursive: true, force: true });
}
process.exit(exitCode);
