/**
 * The freshness part of `pnpm bench:refresh`: the latency a user feels from POSTing a month-sized
 * receive file to the dashboard (mart.mv_target_card_per_day) showing it, through a real API process
 * (`pnpm start` = apps/api/src/main.ts) on the bench database. One API process per debounce setting,
 * so the same run compares the settings (MV_REFRESH_DEBOUNCE_MS reaches the API through the environment).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { receiveCsvStream } from '@warehouse/demo';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface FreshnessSample {
  accepted: number;
  success: number;
  refreshed: number;
  runEnd: number;
  queued: number;
  /** Refresh time (attempt duration) of mart.mv_receive_daily and of the dashboard MV. */
  receiveDaily: number;
  card: number;
}

export interface FreshnessResult {
  debounceMs: number;
  samples: FreshnessSample[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Start the API (with its worker) on `url`; resolves with its base URL and a stop function. */
async function startApi(
  url: string,
  env: Record<string, string>,
): Promise<{ base: string; stop: () => Promise<void> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'apps/api/src/main.ts'), '--no-seed'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      MV_REFRESH_NIGHTLY_AT: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m)
      return {
        base: m[1]!,
        stop: async () => {
          proc.kill('SIGTERM');
          await exited;
        },
      };
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`the API did not start:\n${out.slice(-2000)}`);
    await sleep(50);
  }
}

async function postCsv(base: string, file: Buffer, name: string): Promise<Response> {
  const form = new FormData();
  form.append('flavour', 'final');
  form.append('receive', new Blob([new Uint8Array(file)], { type: 'text/csv' }), name);
  return fetch(`${base}/upload/csv`, { method: 'POST', body: form });
}

/**
 * For each debounce setting: `reps` uploads of a month-sized receive file (each a different month of
 * the loaded period, so every upload replaces the same amount), one at a time.
 */
export async function measureFreshness(
  url: string,
  options: { debounces: number[]; reps: number; monthRows: number; scale: number; year: number },
): Promise<FreshnessResult[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-freshness-'));
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const results: FreshnessResult[] = [];
  try {
    const files: Buffer[] = [];
    for (let i = 0; i < options.reps * options.debounces.length; i++) {
      const month = String((i % 12) + 1).padStart(2, '0');
      const file = path.join(dir, `m${i}.csv`);
      await pipeline(
        receiveCsvStream({
          rows: options.monthRows,
          startDate: `${options.year - Math.floor(i / 12)}-${month}-01`,
          encoding: 'utf-8',
          seed: `fresh${i}`,
          scale: options.scale,
        }),
        createWriteStream(file),
      );
      files.push(await readFile(file));
    }
    let n = 0;
    for (const debounceMs of options.debounces) {
      const api = await startApi(url, { MV_REFRESH_DEBOUNCE_MS: String(debounceMs) });
      const samples: FreshnessSample[] = [];
      try {
        for (let rep = 0; rep < options.reps; rep++) {
          const t0 = Date.now();
          const res = await postCsv(api.base, files[n]!, `month-${n}.csv`);
          n++;
          const accepted = Date.now() - t0;
          if (res.status !== 202) throw new Error(`POST /upload/csv answered ${res.status}: ${await res.text()}`);
          const id = (await res.json()).uploads[0].id as number;
          let success = 0;
          for (;;) {
            const u = await (await fetch(`${api.base}/uploads/${id}`)).json();
            if (u.status === 'success' && !success) success = Date.now() - t0;
            if (u.status === 'failed') throw new Error(`upload ${id} failed: ${u.errorMessage}`);
            if (u.status === 'held') throw new Error(`upload ${id} was held, so it is not refreshed: ${u.heldReason}`);
            if (u.refreshOutcome) break;
            await sleep(success ? 50 : 10);
          }
          const { rows } = await pool.query(
            `select min(started_at) as started, max(finished_at) as ended,
                    max(finished_at) filter (where mv_name = 'mart.mv_target_card_per_day' and outcome = 'refreshed') as card,
                    max(duration_ms) filter (where mv_name = 'mart.mv_receive_daily' and outcome = 'refreshed') as receive_ms,
                    max(duration_ms) filter (where mv_name = 'mart.mv_target_card_per_day' and outcome = 'refreshed') as card_ms
             from log.mv_refresh_log where run_id = (select run_id from log.mv_refresh_log where id = (select refresh_run_id from log.upload_file where id = $1))`,
            [id],
          );
          const r = rows[0];
          if (!r.card) throw new Error(`upload ${id}: the run did not refresh mart.mv_target_card_per_day`);
          samples.push({
            accepted,
            success,
            refreshed: r.card.getTime() - t0,
            runEnd: r.ended.getTime() - t0,
            queued: r.started.getTime() - t0 - success,
            receiveDaily: r.receive_ms,
            card: r.card_ms,
          });
        }
      } finally {
        await api.stop();
      }
      results.push({ debounceMs, samples });
    }
  } finally {
    await pool.end();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

export function formatFreshness(results: FreshnessResult[]): string[] {
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const base = results[results.length - 1]!;
  const baseRefreshed = med(base.samples.map((x) => x.refreshed));
  const out = ['freshness (month file POST → dashboard MV refreshed; medians of ' + base.samples.length + '):'];
  for (const r of results) {
    const m = (k: keyof FreshnessSample) => med(r.samples.map((x) => x[k]));
    const refreshed = m('refreshed');
    out.push(
      `  MV_REFRESH_DEBOUNCE_MS=${String(r.debounceMs).padEnd(5)} POST→202 ${s(m('accepted'))}  →success ${s(m('success'))}  →refreshed ${s(refreshed)}` +
        `  (queue ${s(m('queued'))} = ${Math.round((100 * m('queued')) / refreshed)}%; refresh mv_receive_daily ${s(m('receiveDaily'))}, target card ${s(m('card'))})  whole run ${s(m('runEnd'))}` +
        (r === base ? '  [baseline]' : `  ratio to baseline ${(refreshed / baseRefreshed).toFixed(2)}`),
    );
  }
  return out;
}
