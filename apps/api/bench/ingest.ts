#!/usr/bin/env tsx
/**
 * pnpm bench:ingest — ingest throughput and memory, against baselines measured in the same run on
 * a throw-away PostgreSQL (fsync off for every side alike):
 *   1. `psql -c "\copy"` of the CP932 file into a same-shaped text table (the floor: no validation),
 *   1b. psql doing the API's writes plainly: \copy into a temp table, INSERT … SELECT into raw and
 *      the typed stg table, one transaction, no checks (the same rows written, by the database alone),
 *   1c. the file's bytes stored in log.upload_blob (1 MiB INSERTs, as the upload request does), the
 *      API's one other large write: the ratio is printed against 1b alone and against 1b + 1c,
 *   2. the API end to end: POST /upload/csv (streamed) → upload `success` (decode, parse, COPY into
 *      raw, validate, type into stg, replace-by-period, commit),
 *   2b. the database's floor for the API's writes: the rows the API wrote, exported and loaded again
 *      by psql in one transaction from prepared files (raw CSV, stg binary), no client work; 1b over
 *      it is the highest "API / same writes" ratio any ingest writing raw and stg in one
 *      transaction can reach on this machine,
 *   3. Prisma `createMany` of the rows parsed in Node (typed, into stg; no raw copy, no checks).
 * Then the peak RSS (VmHWM) of an API process while it ingests a file of --rss-bytes.
 *
 * --replace instead measures a correction: five years of final receive rows in stg (generated in
 * the database), the MVs refreshed, then a month of them uploaded again through the API — time to
 * `success` (the month's rows superseded into the history table and the new ones landed) and to
 * the upload's refreshed MVs.
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs, promisify } from 'node:util';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse';
import pg from 'pg';
import { loadScaledReceive, receiveCsvStream } from '@warehouse/demo';
import { createLogger, refreshAll } from '@warehouse/refresher';
import { createPrismaClient, Prisma } from '@warehouse/db/client';
import { createMigratedTemplate, createTestDatabase, startTestServer } from '@warehouse/migrate/testing';
import { spawnScript } from '../test/processes.ts';

const run = promisify(execFile);
const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'rss-bytes': { type: 'string', default: String(1024 ** 3) },
    'skip-prisma': { type: 'boolean', default: false },
    replace: { type: 'boolean', default: false },
    'replace-rows': { type: 'string', default: '350000' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  console.log(`pnpm bench:ingest [--rows N] [--rss-bytes N] [--skip-prisma]
pnpm bench:ingest --replace [--replace-rows N]

  --rows N          rows of the throughput file (default 1000000)
  --rss-bytes N     size of the file for the peak-RSS run (default 1 GiB; 0 skips it)
  --skip-prisma     leave out the Prisma createMany baseline (slow)
  --replace         only the correction run: re-upload one month over five years of final receive
                    rows; time to success and to the refreshed MVs
  --replace-rows N  rows of the five years (default 350000, about the demo's daily volume)`);
  process.exit(0);
}
const rows = Number(flags.rows);
const rssBytes = Number(flags['rss-bytes']);
if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(rssBytes) || rssBytes < 0) {
  console.error('--rows must be a whole number ≥ 1 and --rss-bytes ≥ 0');
  process.exit(1);
}

const COLS = [
  'slip_date',
  'slip_no',
  'line_no',
  'vendor_cd',
  'vendor_name',
  'item_cd',
  'item_name',
  'net_weight_kg',
  'quantity',
  'unit_name',
  'unit_price',
  'amount',
];
const secs = (t0: number) => (performance.now() - t0) / 1000;

/**
 * CPU seconds used so far by a process and its reaped children (Linux /proc; NaN elsewhere). On a
 * shared machine wall time depends on the neighbours; CPU time much less, so it is printed beside it.
 */
async function cpuSeconds(pid: number, withLiveChildren = false): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14-17 (1-based), i.e. 11-14 after the ")".
    let ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    if (withLiveChildren) {
      const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim();
      for (const child of children ? children.split(' ') : []) ticks += (await cpuSeconds(Number(child))) * 100;
    }
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** CPU seconds of this process's reaped children (psql runs as one). */
async function reapedChildrenCpu(): Promise<number> {
  try {
    const stat = await readFile('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return NaN;
  }
}
const cpuText = (db: number, client: number) =>
  Number.isNaN(db + client)
    ? ''
    : `  CPU ${(db + client).toFixed(1)} s (database ${db.toFixed(1)} s + client ${client.toFixed(1)} s)`;
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** POST a file as multipart, streamed from disk. */
function postFile(url: string, file: string, size: number): Promise<{ status: number; body: string }> {
  const boundary = `----bench${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="flavour"\r\n\r\nfinal\r\n--${boundary}\r\nContent-Disposition: form-data; name="receive"; filename="bench.csv"\r\nContent-Type: text/csv\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/upload/csv`, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + size + tail.length,
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.write(head);
    const stream = createReadStream(file);
    stream.pipe(req, { end: false });
    stream.on('end', () => req.end(tail));
    stream.on('error', reject);
  });
}

async function waitSuccess(
  pool: pg.Pool,
  id: number,
): Promise<{ status: string; row_count: number; error_message: string | null }> {
  for (;;) {
    const { rows: r } = await pool.query(`SELECT status, row_count, error_message FROM log.upload_file WHERE id = $1`, [
      id,
    ]);
    if (r[0] && ['success', 'failed', 'held'].includes(r[0].status)) return r[0];
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** --replace: a month uploaded again over five years of data. */
async function replaceRun(adminUrl: string, dir: string): Promise<void> {
  const total = Number(flags['replace-rows']);
  if (!Number.isInteger(total) || total < 1000) throw new Error('--replace-rows must be a whole number ≥ 1000');
  const template = await createMigratedTemplate(adminUrl);
  const db = await createTestDatabase(adminUrl, { template, prefix: 'bench_replace' });
  const pool = new pg.Pool({ connectionString: db.url });
  let t0 = performance.now();
  const loadClient = await pool.connect();
  const loaded = await loadScaledReceive(loadClient, {
    rows: total,
    flavour: 'final',
    startDate: '2020-01-01',
    days: 1826,
    seed: 'replace',
  }).finally(() => loadClient.release());
  console.log(
    `stg.shogun_final_receive: ${fmt(loaded.rows)} rows ${loaded.dateFrom}..${loaded.dateTo} (generated in ${secs(t0).toFixed(1)} s)`,
  );
  // The base rows belong to one landed upload, as if they had come through the API.
  await pool.query(
    `UPDATE log.upload_file SET status = 'success', rows_added = $2, rows_superseded = 0, finished_at = clock_timestamp() WHERE id = $1`,
    [loaded.uploadFileId, loaded.rows],
  );
  await pool.query(
    `INSERT INTO log.upload_touched_date SELECT $1, d::date FROM generate_series($2::date, $3::date, interval '1 day') d`,
    [loaded.uploadFileId, loaded.dateFrom, loaded.dateTo],
  );
  // A month of receive rows (2022-06) as a CP932 file; its daily volume is about that of the base.
  const file = path.join(dir, 'month.csv');
  await pipeline(
    receiveCsvStream({ rows: 6000, encoding: 'cp932', seed: 'month', startDate: '2022-06-01', scale: 1 }),
    createWriteStream(file),
  );
  const size = (await stat(file)).size;
  const api = spawnScript(
    'main.ts',
    { DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', WORKER_CONCURRENCY: '2' },
    [],
  );
  const url = (await api.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
  t0 = performance.now();
  const all = await refreshAll({ url: db.url, trigger: 'bench', logger: createLogger({ level: 'warn' }) });
  console.log(`MVs populated first (refresh all, ${all.outcome}): ${secs(t0).toFixed(1)} s`);
  t0 = performance.now();
  const res = await postFile(url, file, size);
  if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${res.body}`);
  const id = JSON.parse(res.body).uploads[0].id;
  const done = await waitSuccess(pool, id);
  const landedS = secs(t0);
  if (done.status !== 'success') throw new Error(`upload ${id} is ${done.status}: ${done.error_message}`);
  while (!(await pool.query('SELECT refresh_outcome FROM log.upload_file WHERE id = $1', [id])).rows[0].refresh_outcome)
    await new Promise((r) => setTimeout(r, 100));
  const refreshedS = secs(t0);
  const u = (
    await pool.query(
      'SELECT rows_added, rows_superseded, dates_touched, touched_first, touched_last FROM log.upload_file WHERE id = $1',
      [id],
    )
  ).rows[0];
  console.log(
    `re-upload of ${fmt(u.rows_added)} rows (${(size / 1e6).toFixed(1)} MB) over ${fmt(loaded.rows)}: superseded ${fmt(u.rows_superseded)} rows on ${u.dates_touched} dates`,
  );
  console.log(`  POST → success:        ${landedS.toFixed(2)} s`);
  console.log(
    `  POST → MVs refreshed:  ${refreshedS.toFixed(2)} s  (refresh outcome ${(await pool.query('SELECT refresh_outcome FROM log.upload_file WHERE id = $1', [id])).rows[0].refresh_outcome})`,
  );
  await api.stop();
  await pool.end();
}

const server = await startTestServer();
if (flags.replace) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-replace-'));
  try {
    await replaceRun(server.adminUrl, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await server.stop();
  }
  process.exit(0);
}
const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-ingest-'));
try {
  const template = await createMigratedTemplate(server.adminUrl);
  const db = await createTestDatabase(server.adminUrl, { template, prefix: 'bench_ingest' });
  const pool = new pg.Pool({ connectionString: db.url });
  pool.on('error', () => {}); // an idle client of a server being stopped must not hide the error that stopped it
  const file = path.join(dir, 'receive-cp932.csv');
  let t0 = performance.now();
  await pipeline(receiveCsvStream({ rows, encoding: 'cp932', seed: 'bench' }), createWriteStream(file));
  const size = (await stat(file)).size;
  console.log(`file: ${fmt(rows)} rows, ${(size / 1e6).toFixed(1)} MB CP932 (generated in ${secs(t0).toFixed(1)} s)`);

  // 1. psql \copy into a same-shaped text table.
  await pool.query(`CREATE TABLE bench_copy (${COLS.map((c) => `${c} text`).join(', ')})`);
  t0 = performance.now();
  await run('psql', [
    db.url,
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    `\\copy bench_copy FROM '${file}' WITH (FORMAT csv, HEADER true, ENCODING 'SJIS')`,
  ]);
  const copyS = secs(t0);
  const copied = Number((await pool.query('SELECT count(*) n FROM bench_copy')).rows[0].n);
  console.log(`psql \\copy (text table, no checks):   ${copyS.toFixed(2)} s  ${fmt(copied / copyS)} rows/s`);

  // 1b. The same writes as the API, done as plainly as psql can: \copy into a temp table, then
  // INSERT … SELECT into raw and the typed stg table, one transaction, no checks (a bad value
  // would abort it). Tables are emptied afterwards so the API starts from the same state.
  const script = path.join(dir, 'same-writes.sql');
  const typedCol = (c: string) =>
    c === 'slip_date'
      ? `to_date(${c}, 'YYYY/MM/DD')`
      : c === 'line_no'
        ? `${c}::int`
        : ['net_weight_kg', 'quantity', 'unit_price', 'amount'].includes(c)
          ? `nullif(replace(${c}, ',', ''), '')::numeric`
          : `nullif(${c}, '')`;
  await writeFile(
    script,
    [
      `CREATE TEMP TABLE t (${COLS.map((c) => `${c} text`).join(', ')}) ON COMMIT DROP;`,
      `\\copy t FROM '${file}' WITH (FORMAT csv, HEADER true, ENCODING 'SJIS')`,
      `CREATE TEMP SEQUENCE line_seq START 2;`,
      `CREATE TEMP TABLE tl ON COMMIT DROP AS SELECT nextval('line_seq')::int AS source_line, * FROM t;`,
      `INSERT INTO raw.shogun_receive (upload_file_id, source_line, ${COLS.join(', ')}) SELECT 0, source_line, ${COLS.join(', ')} FROM tl;`,
      `INSERT INTO stg.shogun_flash_receive (${COLS.join(', ')}, upload_file_id, source_line) SELECT ${COLS.map(typedCol).join(', ')}, 0, source_line FROM tl;`,
    ].join('\n'),
  );
  // The database's CPU: the postmaster with its live children and the backends it has reaped.
  const postmaster = Number(
    (await pool.query<{ f: string }>("SELECT pg_read_file('postmaster.pid') AS f")).rows[0]!.f.split('\n')[0],
  );
  const dbCpu = () => cpuSeconds(postmaster, true);
  let [db0, client0] = [await dbCpu(), await reapedChildrenCpu()];
  t0 = performance.now();
  await run('psql', [db.url, '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', script]);
  const sameS = secs(t0);
  await new Promise((r) => setTimeout(r, 1000)); // let the postmaster reap psql's backend (its CPU)
  const sameCpu = cpuText((await dbCpu()) - db0, (await reapedChildrenCpu()) - client0);
  const sameRows = Number((await pool.query('SELECT count(*) n FROM stg.shogun_flash_receive')).rows[0].n);
  if (sameRows !== rows) throw new Error(`the psql same-writes baseline loaded ${sameRows} rows, expected ${rows}`);
  await pool.query('TRUNCATE raw.shogun_receive, stg.shogun_flash_receive');
  await pool.query('CHECKPOINT');
  console.log(`psql, same writes (raw + stg, no checks): ${sameS.toFixed(2)} s  ${fmt(rows / sameS)} rows/s${sameCpu}`);

  // 1c. The one write of the API that 1b leaves out: the file's bytes, kept in log.upload_blob in
  // 1 MiB chunks before the 202 — here one INSERT per chunk from this process, in one transaction.
  const blobClient = await pool.connect();
  t0 = performance.now();
  try {
    await blobClient.query('BEGIN');
    await blobClient.query(
      `INSERT INTO log.upload_file (id, csv_type, flavour, file_name, file_sha256, file_size, status) VALUES (0, 'receive', 'flash', 'bench', 'bench', $1, 'failed')`,
      [size],
    );
    let chunkNo = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 ** 2 }))
      await blobClient.query('INSERT INTO log.upload_blob (upload_file_id, chunk_no, data) VALUES (0, $1, $2)', [
        chunkNo++,
        chunk,
      ]);
    await blobClient.query('COMMIT');
  } finally {
    blobClient.release();
  }
  const blobS = secs(t0);
  await pool.query('DELETE FROM log.upload_file WHERE id = 0'); // its blob rows go with it (ON DELETE CASCADE)
  console.log(`the file's bytes into log.upload_blob:      ${blobS.toFixed(2)} s  (1 MiB INSERTs, one transaction)`);

  // 2. The API end to end, in its own process (API + worker, as pnpm start runs it).
  // LOG_LEVEL=debug: the job logs how long each of its phases took ("upload phases").
  const api = spawnScript(
    'main.ts',
    { DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', WORKER_CONCURRENCY: '1', LOG_LEVEL: 'debug' },
    ['--no-seed'],
  );
  const url = (await api.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
  [db0, client0] = [await dbCpu(), await cpuSeconds(api.proc.pid!)];
  t0 = performance.now();
  const res = await postFile(url, file, size);
  const acceptS = secs(t0);
  if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${res.body}`);
  const id = JSON.parse(res.body).uploads[0].id;
  const done = await waitSuccess(pool, id);
  const apiS = secs(t0);
  const apiCpu = cpuText((await dbCpu()) - db0, (await cpuSeconds(api.proc.pid!)) - client0);
  if (done.status !== 'success') throw new Error(`upload ${id} failed: ${done.error_message}`);
  console.log(
    `API end to end (POST → success):      ${apiS.toFixed(2)} s  ${fmt(done.row_count / apiS)} rows/s  (accept ${acceptS.toFixed(2)} s, job ${(apiS - acceptS).toFixed(2)} s)${apiCpu}`,
  );
  const phases = api
    .output()
    .split('\n')
    .filter((l) => l.includes('"upload phases"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .at(-1);
  if (phases)
    console.log(
      `  job phases (ms): ${Object.entries(phases)
        .filter(([k]) => k.endsWith('Ms'))
        .map(([k, v]) => `${k.slice(0, -2)} ${String(v)}`)
        .join(', ')}`,
    );
  await api.stop();

  // 2b. The database's floor for the API's own writes: the rows the API just wrote, exported and
  // loaded again by psql in one transaction from prepared files (raw as CSV text, stg binary), so
  // no client work at all — how fast the database alone does what the job asks of it. An ingest
  // that writes raw and stg in one transaction cannot be faster than this.
  const rawFile = path.join(dir, 'raw.csv');
  const stgFile = path.join(dir, 'stg.bin');
  for (const copy of [
    `\\copy raw.shogun_receive TO '${rawFile}' WITH (FORMAT csv)`,
    `\\copy stg.shogun_final_receive TO '${stgFile}' WITH (FORMAT binary)`,
  ])
    await run('psql', [db.url, '-q', '-v', 'ON_ERROR_STOP=1', '-c', copy]);
  await pool.query('TRUNCATE raw.shogun_receive, stg.shogun_final_receive');
  await pool.query('CHECKPOINT');
  const floorScript = path.join(dir, 'floor.sql');
  await writeFile(
    floorScript,
    `\\copy raw.shogun_receive FROM '${rawFile}' WITH (FORMAT csv)\n\\copy stg.shogun_final_receive FROM '${stgFile}' WITH (FORMAT binary)\n`,
  );
  [db0, client0] = [await dbCpu(), await reapedChildrenCpu()];
  t0 = performance.now();
  await run('psql', [db.url, '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', floorScript]);
  const floorS = secs(t0);
  await new Promise((r) => setTimeout(r, 1000));
  const floorCpu = cpuText((await dbCpu()) - db0, (await reapedChildrenCpu()) - client0);
  const floorRows = Number((await pool.query('SELECT count(*) n FROM stg.shogun_final_receive')).rows[0].n);
  if (floorRows !== rows) throw new Error(`the floor run loaded ${floorRows} stg rows, expected ${rows}`);
  console.log(
    `database floor: the API's rows by psql from prepared files (raw CSV + stg binary, one transaction, no client work): ${floorS.toFixed(2)} s${floorCpu}`,
  );

  // 3. Prisma createMany of the parsed rows (typed) into a stg table.
  let prismaS = NaN;
  if (!flags['skip-prisma']) {
    await pool.query('TRUNCATE stg.shogun_flash_receive');
    const prisma = createPrismaClient(db.url);
    t0 = performance.now();
    const parser = createReadStream(file)
      .pipe(iconv.decodeStream('cp932'))
      .pipe(parse({ from_line: 2 }));
    let batch: Prisma.StgShogunFlashReceiveCreateManyInput[] = [];
    let line = 1;
    const num = (s: string) => (s === '' ? null : new Prisma.Decimal(s.replace(/,/g, '')));
    for await (const r of parser as AsyncIterable<string[]>) {
      line++;
      batch.push({
        slipDate: new Date(`${r[0]!.replace(/\//g, '-')}T00:00:00Z`),
        slipNo: r[1]!,
        lineNo: Number(r[2]),
        vendorCd: r[3],
        vendorName: r[4],
        itemCd: r[5],
        itemName: r[6],
        netWeightKg: num(r[7]!),
        quantity: num(r[8]!),
        unitName: r[9],
        unitPrice: num(r[10]!),
        amount: num(r[11]!),
        uploadFileId: BigInt(id),
        sourceLine: line,
      });
      if (batch.length === 2000) {
        await prisma.stgShogunFlashReceive.createMany({ data: batch });
        batch = [];
      }
    }
    if (batch.length) await prisma.stgShogunFlashReceive.createMany({ data: batch });
    prismaS = secs(t0);
    await prisma.$disconnect();
    console.log(`Prisma createMany (parsed in Node):    ${prismaS.toFixed(2)} s  ${fmt(rows / prismaS)} rows/s`);
  }

  console.log(`\nAPI throughput / \\copy throughput:   ${((copyS / apiS) * 100).toFixed(0)} %   (goal ≥ 50 %)`);
  console.log(`API throughput / psql same writes:    ${((sameS / apiS) * 100).toFixed(0)} %`);
  console.log(`  … / (same writes + file bytes):     ${(((sameS + blobS) / apiS) * 100).toFixed(0)} %`);
  console.log(
    `  ceiling of that ratio with raw and stg written in one transaction (psql same writes / database floor): ${((sameS / floorS) * 100).toFixed(0)} %`,
  );
  if (!Number.isNaN(prismaS)) console.log(`API speed-up over Prisma createMany:  ${(prismaS / apiS).toFixed(1)}×`);

  // 4. Peak RSS of an API process ingesting a big file.
  if (rssBytes > 0) {
    const big = path.join(dir, 'big.csv');
    await rm(file);
    await pipeline(
      receiveCsvStream({ bytes: rssBytes, encoding: 'cp932', seed: 'rss', startDate: '1990-01-01' }),
      createWriteStream(big),
    );
    const bigSize = (await stat(big)).size;
    const rssApi = spawnScript(
      'main.ts',
      { DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', WORKER_CONCURRENCY: '1' },
      ['--no-seed'],
    );
    const rssUrl = (await rssApi.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    const hwm = async () =>
      Number(/VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${rssApi.proc.pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
    const idle = await hwm();
    t0 = performance.now();
    const r2 = await postFile(rssUrl, big, bigSize);
    if (r2.status !== 202) throw new Error(`POST of the big file answered ${r2.status}: ${r2.body}`);
    const d2 = await waitSuccess(pool, JSON.parse(r2.body).uploads[0].id);
    const peak = await hwm();
    console.log(
      `\npeak RSS of the API process ingesting ${(bigSize / 1e9).toFixed(2)} GB (${fmt(d2.row_count ?? 0)} rows, ${d2.status}, ${secs(t0).toFixed(0)} s): ${(peak / 1e6).toFixed(0)} MB (idle ${(idle / 1e6).toFixed(0)} MB; goal < 300 MB)`,
    );
    await rssApi.stop();
  }
  await pool.end();
} finally {
  await rm(dir, { recursive: true, force: true });
  await server.stop();
}
