import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { CopyBinaryWriter } from '../src/ingest/binary.ts';
import { daysInMonth } from '@warehouse/db/dates';
import { checkDate, checkRow } from '../src/ingest/validate.ts';
import { KINDS } from '../src/ingest/kinds.ts';
import { ConfigError, dateWindow, loadConfig } from '../src/config.ts';
import { csvText, encode, row } from './csv.ts';
import { multipart, testApp, testDatabase, waitForUpload, type TestApp } from './helper.ts';

describe('dates in binary COPY', () => {
  let pool: pg.Pool;
  beforeAll(async () => {
    const db = await testDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => {}); // its test database is dropped WITH (FORCE) while a connection may still be closing
  });
  afterAll(async () => pool?.end());

  it('encodes every year 1-9999 (first, last, leap and month-end days) exactly as PostgreSQL parses the same text', async () => {
    const writer = new CopyBinaryWriter();
    let n = 0;
    for (let y = 1; y <= 9999; y++) {
      const days: [number, number][] = [
        [1, 1],
        [2, 28],
        [3, 1],
        [12, 31],
      ];
      if (daysInMonth(y, 2) === 29) days.push([2, 29]);
      for (const [m, d] of days) {
        const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const ymd = checkDate(text);
        expect(typeof ymd, text).toBe('number');
        writer.row(2);
        writer.text(text);
        writer.date(ymd as number);
        n++;
      }
    }
    writer.end();
    const client = await pool.connect();
    try {
      await client.query('CREATE TEMP TABLE d (txt text, val date)');
      await pipeline(
        Readable.from([writer.take()]),
        client.query(copyStreams.from('COPY d FROM STDIN WITH (FORMAT binary)')),
      );
      const { rows } =
        await client.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE txt::date <> val)::int AS wrong,
        count(*) FILTER (WHERE extract(year FROM txt::date) <> substr(txt, 1, 4)::int)::int AS bad_parse,
        (array_agg(txt || ' → ' || val::text ORDER BY txt) FILTER (WHERE txt::date <> val))[1:5] AS examples FROM d`);
      expect(rows[0]).toEqual({ n, wrong: 0, bad_parse: 0, examples: null });
      // PostgreSQL's own leap-year rule agrees with the validator's for every year.
      const leap = await client.query(`SELECT count(*)::int AS n FROM d WHERE txt LIKE '%-02-29'`);
      const expected = Array.from({ length: 9999 }, (_, i) => daysInMonth(i + 1, 2)).filter((x) => x === 29).length;
      expect(leap.rows[0].n).toBe(expected);
      const pgLeap = await client.query(
        `SELECT count(*)::int AS n FROM generate_series(1, 9999) y WHERE extract(day FROM make_date(y, 3, 1) - 1) = 29`,
      );
      expect(pgLeap.rows[0].n).toBe(expected);
    } finally {
      client.release();
    }
    expect(n).toBeGreaterThan(40_000);
  });
});

describe('plausible slip dates', () => {
  const spec = KINDS.yard.columns;
  const yard = (date: string) => row('yard', { date, slip: 'S1', line: 1, kg: '10' });

  it('the default window is 2000-01-01 .. one year after today; INGEST_DATE_MIN/MAX set it', () => {
    const config = loadConfig({});
    expect(dateWindow(config, new Date('2026-11-30T10:00:00Z'))).toEqual({ min: 20000101, max: 20271130 });
    expect(dateWindow(config, new Date('2024-02-29T10:00:00Z'))).toEqual({ min: 20000101, max: 20250301 });
    expect(dateWindow(loadConfig({ INGEST_DATE_MIN: '1990-04-01', INGEST_DATE_MAX: '2030-03-31' }))).toEqual({
      min: 19900401,
      max: 20300331,
    });
    expect(() => loadConfig({ INGEST_DATE_MIN: '2000-02-30' })).toThrow(ConfigError);
    expect(() => loadConfig({ INGEST_DATE_MAX: 'next year' })).toThrow(/INGEST_DATE_MAX="next year" is not a date/);
    expect(() => loadConfig({ INGEST_DATE_MIN: '2020-01-01', INGEST_DATE_MAX: '2019-12-31' })).toThrow(
      /before INGEST_DATE_MIN/,
    );
  });

  it('a date outside the window is a row error naming the date and the range', () => {
    const window = { min: 20000101, max: 20271130 };
    for (const date of ['9999/12/31', '0099/12/31', '1999/12/31', '2027/12/01']) {
      const errors: { column: string | null; reason: string }[] = [];
      expect(checkRow(spec, yard(date), 2, errors as never[], 10, [], { window }), date).toBeUndefined();
      expect(errors).toEqual([
        expect.objectContaining({
          column: '伝票日付',
          reason: expect.stringMatching(/outside the plausible range 2000-01-01\.\.2027-11-30.*INGEST_DATE_MIN/),
        }),
      ]);
    }
    expect(checkRow(spec, yard('2000/01/01'), 2, [], 10, [], { window })).toBe(20000101);
    expect(checkRow(spec, yard('2027/11/30'), 2, [], 10, [], { window })).toBe(20271130);
  });

  describe('through the API', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await testApp();
      await t.startWorker();
    });
    afterAll(async () => t?.close());

    it('an upload with 9999-12-31 and 0099-12-31 fails with both as row errors and lands nothing', async () => {
      const rows = [yard('2025/01/10'), yard('9999/12/31'), yard('0099/12/31'), yard('2025/01/11')];
      rows[1]![1] = 'S2';
      rows[2]![1] = 'S3';
      rows[3]![1] = 'S4';
      const res = await t.app.inject({
        method: 'POST',
        url: '/upload/csv',
        ...multipart([
          { name: 'flavour', value: 'final' },
          { name: 'yard', filename: 'y.csv', content: encode(csvText('yard', rows)) },
        ]),
      });
      expect(res.statusCode, res.body).toBe(202);
      const done = await waitForUpload(t.pool, res.json().uploads[0].id);
      expect(done.status).toBe('failed');
      expect(done.errors.map((e: { line: number; value: string }) => [e.line, e.value])).toEqual([
        [3, '9999/12/31'],
        [4, '0099/12/31'],
      ]);
      const left = await t.pool.query(
        'SELECT (SELECT count(*) FROM raw.shogun_yard)::int + (SELECT count(*) FROM stg.shogun_final_yard)::int AS n',
      );
      expect(left.rows[0].n).toBe(0);
    });
  });
});
