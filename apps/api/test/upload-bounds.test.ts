/**
 * Bounded resources for uploads, over real TCP (app.inject hands over the whole body at once):
 * a body that trickles is received without a database connection or lock, is ended with 408 when
 * it falls below the minimum rate, and leaves nothing behind; other uploads and reads go on
 * meanwhile; one client's concurrent uploads are capped; /readyz reports an exhausted pool.
 * Timeouts are short (a 2 s window) so the file stops itself within a bounded time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { Readable } from 'node:stream';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { build } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { BodyRate, bytesPerWindow } from '../src/body-watch.ts';
import { ClientSlots } from '../src/client-slots.ts';
import { fileChunks, spoolFile } from '../src/ingest/spool.ts';
import { multipart, silent, testApp, waitFor, waitForUpload, type TestApp } from './helper.ts';

const good = readFileSync(new URL('./fixtures/good-receive.csv', import.meta.url));
const WINDOW_MS = 2000;
const POOL_MAX = 4;
const spoolDir = mkdtempSync(path.join(tmpdir(), 'apibounds-spool-'));
let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await testApp(
    {
      uploadBodyTimeoutMs: WINDOW_MS,
      uploadMinBytesPerSec: 1, // 2 bytes per window: a byte every 100 ms keeps a trickle alive
      uploadMaxPerClient: 20,
      uploadSpoolDir: spoolDir,
    },
    { poolMax: POOL_MAX },
  );
  await t.startWorker();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = (t.app.server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  // A failed assertion leaves its trickles running: end them first, or close() waits for them.
  for (const end of openTrickles) end();
  await t?.close();
  rmSync(spoolDir, { recursive: true, force: true });
});

/** What an upload left in the spool directory (one directory per request being received). */
const spooled = () => readdirSync(spoolDir).flatMap((d) => readdirSync(path.join(spoolDir, d)).map((f) => `${d}/${f}`));
const uploadRows = async (pool: pg.Pool) =>
  Number((await pool.query('SELECT count(*) FROM log.upload_file')).rows[0].count);
const acceptLocks = async (pool: pg.Pool) =>
  Number(
    // pg_locks is the whole cluster's: count this database's only (other files run beside this one).
    (
      await pool.query(
        `SELECT count(*) FROM pg_locks
          WHERE locktype = 'advisory' AND classid = 8203
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      )
    ).rows[0].count,
  );

interface Trickle {
  /** Stop sending (the body is left unfinished). */
  stop(): void;
  /** Everything the server answered, once it closed the connection. */
  answer: Promise<string>;
  answered: boolean;
}

/**
 * A client that sends the request's headers and the first `firstBytes` of a multipart upload at
 * once, then one byte every 100 ms (or nothing at all with `firstBytes: 0, trickle: false`).
 */
/** Every trickle's way to end it at once (afterAll), whatever the test did before. */
const openTrickles = new Set<() => void>();

function trickle(to: number, opts: { firstBytes?: number; trickle?: boolean } = {}): Trickle {
  const file = Buffer.concat([good, Buffer.alloc(64 * 1024, 0x41)]);
  const body = multipart([
    { name: 'flavour', value: 'final' },
    { name: 'receive', filename: 'slow.csv', content: file },
  ]);
  const socket = net.connect(to, '127.0.0.1');
  socket.on('error', () => {}); // the server closes the connection after its answer
  let sent = opts.firstBytes ?? 400;
  socket.write(
    `POST /upload/csv HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${body.headers['content-type']}\r\nContent-Length: ${body.payload.length}\r\n\r\n`,
  );
  if (sent) socket.write(body.payload.subarray(0, sent));
  const timer = setInterval(() => {
    if (opts.trickle === false || sent >= body.payload.length - 1) return;
    socket.write(body.payload.subarray(sent, ++sent));
  }, 100);
  const end = () => {
    clearInterval(timer);
    socket.destroy();
  };
  openTrickles.add(end);
  const out: Trickle = {
    stop: () => clearInterval(timer),
    answered: false,
    answer: new Promise((resolve) => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => {
        clearInterval(timer);
        openTrickles.delete(end);
        out.answered = true;
        resolve(text);
      });
    }),
  };
  return out;
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, string>;

async function upload(app: FastifyInstance, name: string, content: Buffer, remoteAddress?: string) {
  return app.inject({
    method: 'POST',
    url: '/upload/csv',
    remoteAddress,
    ...multipart([
      { name: 'flavour', value: 'final' },
      { name: 'receive', filename: name, content },
    ]),
  });
}

describe('the pieces', () => {
  it('BodyRate needs the minimum rate, and at least one byte, in every window', () => {
    expect(bytesPerWindow({ windowMs: 30_000, minBytesPerSec: 1024 })).toBe(30_720);
    expect(bytesPerWindow({ windowMs: 500, minBytesPerSec: 0 })).toBe(1);
    const rate = new BodyRate({ windowMs: 1000, minBytesPerSec: 100 }, 50);
    expect(rate.sample(150)).toBe(true); // 100 in the first window
    expect(rate.sample(5000)).toBe(true);
    expect(rate.sample(5099)).toBe(false); // 99
    const idle = new BodyRate({ windowMs: 1000, minBytesPerSec: 0 }, 10);
    expect(idle.sample(10)).toBe(false); // nothing at all
  });

  it('the limits are configured through the environment and refused when nonsensical', () => {
    const c = loadConfig({
      UPLOAD_BODY_TIMEOUT_MS: '5000',
      UPLOAD_MIN_BYTES_PER_SEC: '0',
      UPLOAD_MAX_CONCURRENT_PER_CLIENT: '7',
      UPLOAD_SPOOL_DIR: '/var/tmp',
    });
    expect(c).toMatchObject({
      uploadBodyTimeoutMs: 5000,
      uploadMinBytesPerSec: 0,
      uploadMaxPerClient: 7,
      uploadSpoolDir: '/var/tmp',
    });
    expect(loadConfig({})).toMatchObject({
      uploadBodyTimeoutMs: 30_000,
      uploadMinBytesPerSec: 1024,
      uploadMaxPerClient: 3,
    });
    expect(() => loadConfig({ UPLOAD_BODY_TIMEOUT_MS: '0' })).toThrow(
      /UPLOAD_BODY_TIMEOUT_MS="0" is not an integer ≥ 100/,
    );
    expect(() => loadConfig({ UPLOAD_MAX_CONCURRENT_PER_CLIENT: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ UPLOAD_MIN_BYTES_PER_SEC: '1e309' })).toThrow(ConfigError);
  });

  it('ClientSlots caps each client on its own and frees a slot on release', () => {
    const slots = new ClientSlots(2);
    expect([slots.take('a'), slots.take('a'), slots.take('a'), slots.take('b')]).toEqual([true, true, false, true]);
    slots.release('a');
    expect(slots.take('a')).toBe(true);
    expect(slots.count('a')).toBe(2);
  });

  it('a spooled file reads back byte for byte in chunks of the given size', async () => {
    const dir = mkdtempSync(path.join(spoolDir, 'unit-'));
    const bytes = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
    const heads: number[] = [];
    const r = await spoolFile(
      Readable.from([bytes.subarray(0, 3000), bytes.subarray(3000)]),
      path.join(dir, 'f'),
      (h) => heads.push(h.length),
    );
    expect(r.size).toBe(10_000);
    expect(heads).toEqual([8192]);
    const chunks: Buffer[] = [];
    for await (const c of fileChunks(path.join(dir, 'f'), 4096)) chunks.push(Buffer.from(c));
    expect(chunks.map((c) => c.length)).toEqual([4096, 4096, 1808]);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    rmSync(dir, { recursive: true });
  });
});

describe('a trickling upload', () => {
  it('holds no connection or lock while it arrives; another upload of its kind lands and reads answer; then 408 and nothing left', async () => {
    const rowsBefore = await uploadRows(t.pool);
    const slow = trickle(port);
    await waitFor('the trickling file to be spooled', async () => spooled().length === 1);
    expect(await acceptLocks(t.pool)).toBe(0);
    expect(await uploadRows(t.pool)).toBe(rowsBefore);

    // Meanwhile: another upload of the same kind is stored and lands, and reads answer.
    const other = await upload(t.app, 'other.csv', good);
    expect(other.statusCode, other.body).toBe(202);
    const landed = await waitForUpload(t.pool, other.json().uploads[0].id);
    expect(landed.status).toBe('success');
    expect((await t.app.inject({ method: 'GET', url: '/uploads?limit=5' })).statusCode).toBe(200);
    // The worker shares this 4-connection pool: the MV refresh that follows the landing may hold it
    // for a moment (then /readyz rightly says 503); it must come back while the trickle goes on (a
    // byte every 100 ms keeps it alive until slow.stop()). What the trickle holds is checked above.
    await waitFor(
      '/readyz to answer 200 while the trickle goes on',
      async () => (await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200,
      30_000,
    );
    expect(slow.answered, 'the trickle is still being received').toBe(false);

    slow.stop();
    const answer = await slow.answer;
    expect(statusOf(answer), answer).toBe(408);
    expect(bodyOf(answer)).toMatchObject({
      code: 'E_BODY_TIMEOUT',
      error: expect.stringMatching(/nothing was stored/),
    });
    await waitFor('the spooled file to be removed', async () => spooled().length === 0);
    expect(await uploadRows(t.pool)).toBe(rowsBefore + 1); // the other upload only
    expect(await acceptLocks(t.pool)).toBe(0);
  }, 60_000);

  it('a body that never starts is ended with 408 too', async () => {
    const silentBody = trickle(port, { firstBytes: 0, trickle: false });
    const answer = await silentBody.answer;
    expect(statusOf(answer), answer).toBe(408);
    await waitFor('no spool left', async () => readdirSync(spoolDir).length === 0);
  }, 60_000);

  it('ten trickling uploads do not take the pool: reads, /readyz and another upload answer', async () => {
    const rowsBefore = await uploadRows(t.pool);
    const slow = Array.from({ length: 10 }, () => trickle(port));
    await waitFor('ten files being spooled', async () => spooled().length === 10);
    for (const url of ['/uploads?limit=5', '/dashboard/month?month=2025-04', '/targets?from=2025-01&to=2025-12'])
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const other = await upload(t.app, 'eleventh.csv', Buffer.concat([good, Buffer.from('\r\n')]));
    expect(other.statusCode, other.body).toBe(202);
    expect(t.pool.totalCount).toBeLessThanOrEqual(POOL_MAX);
    expect(slow.every((s) => !s.answered)).toBe(true);
    for (const s of slow) s.stop();
    const answers = await Promise.all(slow.map((s) => s.answer));
    expect(answers.map(statusOf)).toEqual(Array(10).fill(408));
    await waitFor('every spooled file removed', async () => readdirSync(spoolDir).length === 0);
    expect(await uploadRows(t.pool)).toBe(rowsBefore + 1);
  }, 60_000);
});

describe('concurrent uploads per client', () => {
  it('over the cap answers 429 with a code and says to wait; other clients and later uploads pass', async () => {
    const capped = await build({
      pool: t.pool,
      databaseUrl: t.db.url,
      config: { ...t.config, uploadMaxPerClient: 2 },
      logger: silent,
    });
    await capped.listen({ host: '127.0.0.1', port: 0 });
    try {
      const cappedPort = (capped.server.address() as net.AddressInfo).port;
      const slow = [trickle(cappedPort), trickle(cappedPort)];
      await waitFor('two files being spooled', async () => spooled().length === 2);
      const third = trickle(cappedPort, { firstBytes: 400, trickle: false });
      const answer = await third.answer;
      expect(statusOf(answer), answer).toBe(429);
      expect(bodyOf(answer)).toMatchObject({
        code: 'E_TOO_MANY_UPLOADS',
        error: expect.stringMatching(/UPLOAD_MAX_CONCURRENT_PER_CLIENT=2.*wait for a running upload to finish/),
      });
      expect(answer).toMatch(/retry-after: 5/i);
      // Another client is not held back by this one's uploads.
      const elsewhere = await upload(
        capped,
        'elsewhere.csv',
        Buffer.concat([good, Buffer.from('\r\n\r\n')]),
        '10.0.0.7',
      );
      expect(elsewhere.statusCode, elsewhere.body).toBe(202);
      for (const s of slow) s.stop();
      expect((await Promise.all(slow.map((s) => s.answer))).map(statusOf)).toEqual([408, 408]);
      await waitFor('spool empty', async () => readdirSync(spoolDir).length === 0);
      // The slots were given back.
      const again = await upload(capped, 'again.csv', Buffer.concat([good, Buffer.from('\r\n\r\n\r\n')]), '127.0.0.1');
      expect(again.statusCode, again.body).toBe(202);
    } finally {
      await capped.close();
    }
  }, 60_000);
});

describe('/readyz and an exhausted pool', () => {
  it('503 while every connection is busy and requests wait; /healthz stays 200; ready again after', async () => {
    // An app of its own on a pool of 3 that no worker shares, so the test holds exactly all of it.
    const pool = new pg.Pool({ connectionString: t.db.url, max: 3 });
    pool.on('error', () => {}); // its test database is dropped WITH (FORCE) while a connection may still be closing
    const app = await build({ pool, databaseUrl: t.db.url, config: t.config, logger: silent });
    try {
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      const held = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
      const waiter = pool.connect();
      try {
        const res = await app.inject({ method: 'GET', url: '/readyz' });
        expect(res.statusCode, res.body).toBe(503);
        expect(res.json()).toMatchObject({ status: 'unavailable', pool: { max: 3, busy: 3, waiting: 1 } });
        expect(res.json().fix).toMatch(/every database connection is busy/);
        expect(res.headers['retry-after']).toBe('5');
        expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      } finally {
        for (const c of held) c.release();
        (await waiter).release();
      }
      const back = await app.inject({ method: 'GET', url: '/readyz' });
      expect(back.statusCode, back.body).toBe(200);
    } finally {
      await app.close();
      await pool.end();
    }
  }, 60_000);
});
