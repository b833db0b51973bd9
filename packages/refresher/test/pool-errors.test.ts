import { PassThrough } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { handlePoolErrors } from '../src/index.ts';

describe('handlePoolErrors', () => {
  it("gives a pool the listeners graphile-worker checks for and logs a server's admin shutdown as a warning", async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    try {
      handlePoolErrors(pool, pino({ level: 'info' }, out));
      expect([pool.listenerCount('error'), pool.listenerCount('connect')]).toEqual([1, 1]);
      // An idle client closed by the server surfaces as an 'error' event on the pool.
      pool.emit(
        'error',
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
        {},
      );
      const line = JSON.parse(text.trim());
      expect(line).toMatchObject({
        level: 40,
        code: '57P01',
        message: 'terminating connection due to administrator command',
      });
      // A listener the caller set is kept, not doubled.
      handlePoolErrors(pool);
      expect(pool.listenerCount('error')).toBe(1);
    } finally {
      await pool.end();
    }
  });
});
