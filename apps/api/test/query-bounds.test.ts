import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Registry } from 'prom-client';
import { build } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createApiLogger, redactUrl } from '../src/logger.ts';
import { multipart, testApp, type TestApp } from './helper.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t?.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });

describe('query parameters out of range answer 400, never 500', () => {
  it.each([
    // years PostgreSQL refuses or that no data can have
    ['/dashboard/month?month=0000-01', 'E_BAD_DATE', /month=0000-01 is outside the years 1900\.\.2099/],
    ['/dashboard/month?month=9999-12', 'E_BAD_DATE', /month=9999-12/],
    ['/targets/daily?month=1899-12', 'E_BAD_DATE', /1900-01 to 2099-12/],
    ['/targets?from=0001-01&to=9999-12', 'E_BAD_DATE', /from=0001-01/],
    ['/inbound/daily?from=0000-01-01&to=2025-01-01', 'E_BAD_DATE', /from=0000-01-01 has year 0000/],
    ['/dashboard/weekly?from=2025-01-01&to=2100-01-01', 'E_BAD_DATE', /to=2100-01-01 is outside/],
    ['/dashboard/target-card?date=9999-12-31', 'E_BAD_DATE', /date=9999-12-31/],
    ['/sales/customers/daily?from=1850-01-01&to=1850-01-02', 'E_BAD_DATE', /from=1850-01-01/],
    ['/dashboard/profile?year=0', 'FST_ERR_VALIDATION', /year must be >= 1900/],
    ['/dashboard/profile?year=1e309', 'FST_ERR_VALIDATION', /year must be a finite number/],
    // numbers that are not a count
    ['/uploads?limit=1e309', 'FST_ERR_VALIDATION', /limit must be a finite number/],
    ['/uploads?limit=Infinity', 'FST_ERR_VALIDATION', /limit must be a finite number/],
    ['/uploads?limit=-Infinity', 'FST_ERR_VALIDATION', /limit must be a finite number/],
    ['/uploads?limit=1e20', 'FST_ERR_VALIDATION', /limit must be <= 1000/],
    ['/uploads?limit=-1', 'FST_ERR_VALIDATION', /limit must be >= 1/],
    ['/uploads?limit=2.5', 'FST_ERR_VALIDATION', /limit must be integer/],
    ['/uploads?limit=NaN', 'FST_ERR_VALIDATION', /limit must be integer/],
    ['/targets/history?limit=1e309', 'FST_ERR_VALIDATION', /finite/],
    ['/mv/mart.mv_receive_daily/history?limit=1e309', 'FST_ERR_VALIDATION', /finite/],
    ['/uploads/1/errors?offset=1e309', 'FST_ERR_VALIDATION', /offset must be a finite number/],
    ['/uploads/1/errors?offset=1e20', 'FST_ERR_VALIDATION', /offset must be <=/],
    ['/uploads/1/errors?limit=-5', 'FST_ERR_VALIDATION', /limit must be >= 1/],
    // ranges over the cap
    ['/targets?from=1900-01&to=2099-12', 'E_RANGE_TOO_LONG', /2400 months, more than the 120/],
    ['/inbound/daily?from=1900-01-01&to=2099-12-31', 'E_RANGE_TOO_LONG', /more than the 3700 days/],
    ['/dashboard/weekly?from=2000-01-01&to=2030-12-31', 'E_RANGE_TOO_LONG', /3700 days/],
    ['/dashboard/monthly?from=2000-01-01&to=2030-12-31', 'E_RANGE_TOO_LONG', /3700 days/],
    ['/dashboard/shipments-by-rep?from=2000-01-01&to=2030-12-31', 'E_RANGE_TOO_LONG', /3700 days/],
    ['/sales/customers/daily?from=2024-01-01&to=2025-01-01', 'E_RANGE_TOO_LONG', /367 days, more than the 366/],
  ])('%s → 400 %s', async (url, code, message) => {
    const res = await get(url);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ code, error: expect.stringMatching(message) });
  });

  it('writes with a year out of range are 400 and change nothing', async () => {
    const count = async () => Number((await t.pool.query('SELECT count(*) FROM kpi.target_edit')).rows[0].count);
    const before = await count();
    const body = { targetTon: 1, editor: 'x' };
    for (const url of ['/targets/month/0000-01', '/targets/month/9999-12', '/targets/day/0001-01-01']) {
      const res = await t.app.inject({ method: 'PUT', url, payload: body });
      expect(res.statusCode, `${url} ${res.body}`).toBe(400);
      expect(res.json().code).toBe('E_BAD_DATE');
    }
    // JSON parses 1e309 as Infinity; the schema refuses it.
    const inf = await t.app.inject({
      method: 'PUT',
      url: '/targets/month/2025-01',
      payload: '{"targetTon": 1e309, "editor": "x"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(inf.statusCode, inf.body).toBe(400);
    const csv = multipart([
      { name: 'editor', value: 'x' },
      { name: 'file', filename: 't.csv', content: 'month,target_ton\n0000-01,5\n2025-01,5\n' },
    ]);
    const res = await t.app.inject({ method: 'POST', url: '/targets/csv', ...csv });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ line: 2, value: '0000-01' })]);
    expect(await count()).toBe(before);
  });

  it('the edges of the window and of the caps still answer', async () => {
    for (const url of [
      '/dashboard/month?month=1900-01',
      '/dashboard/month?month=2099-12',
      '/targets?from=2016-01&to=2025-12', // 120 months
      '/inbound/daily?from=2016-01-01&to=2026-02-16', // 3700 days
      '/uploads?limit=1000',
      '/dashboard/profile?year=2099',
    ]) {
      const res = await get(url);
      expect(res.statusCode, `${url} ${res.body}`).toBe(200);
    }
    expect((await get('/targets?from=2016-01&to=2025-12')).json().months).toHaveLength(120);
  });

  it('every numeric query or path parameter in the OpenAPI document is bounded and finite', async () => {
    type Op = { parameters?: { name: string; schema: Record<string, unknown> }[] };
    const doc = (await get('/openapi.json')).json<{ paths: Record<string, Record<string, Op>> }>();
    const numeric: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops))
        for (const p of op.parameters ?? []) {
          if (p.schema.type !== 'integer' && p.schema.type !== 'number') continue;
          numeric.push(`${method} ${path} ${p.name}`);
          expect(p.schema, `${method} ${path} ${p.name}`).toMatchObject({
            'x-finite': true,
            minimum: expect.any(Number),
            maximum: expect.any(Number),
          });
        }
    expect(numeric.length).toBeGreaterThanOrEqual(5);
    // The caps are said in the document.
    const targets = JSON.stringify(doc.paths['/targets']);
    expect(targets).toContain('at most 120 months');
    expect(JSON.stringify(doc.paths['/dashboard/weekly'])).toContain('at most 3700 days');
    expect(JSON.stringify(doc.paths['/dashboard/month'])).toContain('1900-01 .. 2099-12');
  });
});

describe('secrets in request URLs and headers never reach the log', () => {
  it('redactUrl blanks secret parameters by name, also percent-encoded, and keeps the rest', () => {
    expect(redactUrl('/uploads?limit=5&access_token=s3cret')).toBe('/uploads?limit=5&access_token=[REDACTED]');
    expect(redactUrl('/x?Token=a&password=b&api_key=c&apiKey=d&client_secret=e&q=keep')).toBe(
      '/x?Token=[REDACTED]&password=[REDACTED]&api_key=[REDACTED]&apiKey=[REDACTED]&client_secret=[REDACTED]&q=keep',
    );
    expect(redactUrl('/x?access%5Ftoken=s3cret;auth=z')).toBe('/x?access%5Ftoken=[REDACTED];auth=[REDACTED]');
    expect(redactUrl('/x?%E0%A4%A=1&token=y')).toBe('/x?%E0%A4%A=1&token=[REDACTED]');
    expect(redactUrl('/healthz')).toBe('/healthz');
  });

  it('a request or headers logged as objects are redacted too', () => {
    const destination = new PassThrough();
    let out = '';
    destination.on('data', (d: Buffer) => (out += d.toString()));
    const logger = createApiLogger({ logLevel: 'info', logFormat: 'json' }, { destination });
    logger.info(
      { req: { id: 'r1', method: 'GET', url: '/x?token=secret-g7', headers: { authorization: 'Bearer secret-h8' } } },
      'a',
    );
    logger.info({ headers: { authorization: 'Bearer secret-i9', cookie: 'sid=secret-j0' } }, 'b');
    expect(out).toContain('/x?token=[REDACTED]');
    expect(out).not.toContain('secret-');
  });

  it('the access log and the error log of a real request carry no token, password or Authorization value', async () => {
    const destination = new PassThrough();
    let out = '';
    destination.on('data', (d: Buffer) => (out += d.toString()));
    const logger = createApiLogger({ logLevel: 'debug', logFormat: 'json' }, { destination });
    const pool = new pg.Pool({ connectionString: t.db.url, max: 2 });
    pool.on('error', () => {}); // its test database is dropped WITH (FORCE) while a connection may still be closing
    const config = loadConfig({}, { logLevel: 'debug', apiToken: 'the-api-token', webDist: undefined });
    const app = await build({ pool, databaseUrl: t.db.url, config, logger, registry: new Registry() });
    try {
      const urls = [
        '/uploads?access_token=secret-a1&limit=3',
        '/uploads?limit=1e309&token=secret-b2',
        '/nowhere?password=secret-c3',
        '/dashboard/month?month=0000-01&api_key=secret-d4',
      ];
      for (const url of urls) {
        await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer secret-e5' } });
        await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer the-api-token' } });
      }
      // A 5xx logs the error with the request: the pool is closed, so the next read fails.
      await pool.end();
      await app.inject({
        method: 'GET',
        url: '/uploads?access_token=secret-f6',
        headers: { authorization: 'Bearer the-api-token' },
      });
    } finally {
      await app.close();
    }
    const lines = out.trim().split('\n');
    expect(lines.filter((l) => l.includes('request completed')).length).toBeGreaterThanOrEqual(8);
    expect(out).toContain('access_token=[REDACTED]');
    expect(out).toContain('"statusCode":401');
    expect(out).not.toMatch(/secret-|the-api-token/);
  });
});
