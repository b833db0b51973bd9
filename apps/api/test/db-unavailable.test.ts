import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { freePort } from '@warehouse/env';
import { build } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { isDbUnavailable } from '../src/db-unavailable.ts';
import { silent } from './helper.ts';

describe('isDbUnavailable', () => {
  it('recognises a refused or cut connection and a server shutting down, not other errors', () => {
    expect(
      isDbUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isDbUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isDbUnavailable(
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ),
    ).toBe(true);
    expect(isDbUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(
      true,
    );
    expect(
      isDbUnavailable(new Error('query failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })),
    ).toBe(true);
    expect(isDbUnavailable(Object.assign(new Error("Can't reach database server"), { code: 'P1001' }))).toBe(true);
    expect(isDbUnavailable(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]))).toBe(true);
    expect(isDbUnavailable(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isDbUnavailable(Object.assign(new Error('relation does not exist'), { code: '42P01' }))).toBe(false);
    expect(isDbUnavailable(new Error('boom'))).toBe(false);
    expect(isDbUnavailable(undefined)).toBe(false);
  });
});

describe('the API with no database behind it', () => {
  let app: FastifyInstance;
  let pool: pg.Pool;
  beforeAll(async () => {
    // A port nothing listens on: every connection is refused, as while PostgreSQL restarts.
    const url = `postgres://postgres:postgres@127.0.0.1:${await freePort()}/warehouse`;
    pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 2000 });
    pool.on('error', () => {});
    app = await build({
      pool,
      databaseUrl: url,
      config: loadConfig({}, { logLevel: 'silent', auth: false }),
      logger: silent,
    }); // about the database, not sign-in
  });
  afterAll(async () => {
    await app?.close();
    await pool?.end();
  });

  it('answers 503 E_DB_UNAVAILABLE on data routes (pg and Prisma), 503 on /readyz, 200 on /healthz', async () => {
    for (const url of [
      '/uploads/1',
      '/uploads',
      '/uploads/1/errors',
      '/uploads/1/errors.csv',
      '/dashboard/target-card?date=2025-01-01',
      '/inbound/daily?from=2025-01-01&to=2025-01-31',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(503);
      expect(res.json(), url).toMatchObject({ code: 'E_DB_UNAVAILABLE' });
      expect(res.headers['retry-after']).toBe('5');
    }
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
