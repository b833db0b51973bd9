import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { CopyBinaryWriter, decimalParts } from '../src/ingest/binary.ts';
import { checkRow, type TypedValue } from '../src/ingest/validate.ts';
import { KINDS } from '../src/ingest/kinds.ts';
import { testDatabase } from './helper.ts';

let pool: pg.Pool;
beforeAll(async () => {
  const db = await testDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => {}); // its test database is dropped WITH (FORCE) while a connection may still be closing
});
afterAll(async () => pool?.end());

async function copy(sql: string, data: Buffer | string) {
  const client = await pool.connect();
  try {
    await pipeline(Readable.from([data]), client.query(copyStreams.from(sql)));
  } finally {
    client.release();
  }
}

describe('decimalParts', () => {
  it('rounds half away from zero to the scale, carrying into the integer part', () => {
    expect(decimalParts('1,234.5675', 3)).toEqual({ negative: false, int: '1234', frac: '568' });
    expect(decimalParts('-0.0005', 3)).toEqual({ negative: true, int: '', frac: '001' });
    expect(decimalParts('99.9996', 3)).toEqual({ negative: false, int: '100', frac: '000' });
    expect(decimalParts('+007', 2)).toEqual({ negative: false, int: '7', frac: '' });
  });
});

describe('CopyBinaryWriter', () => {
  it('writes values PostgreSQL reads exactly as it reads the same values as text', async () => {
    const spec = KINDS.receive.columns;
    const cols = spec.map((c) => c.column);
    const ddl = (name: string) =>
      `CREATE TABLE ${name} (${spec.map((c) => `${c.column} ${c.type === 'numeric' ? `numeric(${c.precision},${c.scale})` : c.type === 'int' ? 'int' : c.type}`).join(', ')}, upload_file_id bigint, source_line int)`;
    await pool.query(ddl('via_text'));
    await pool.query(ddl('via_binary'));
    const numbers = [
      '0',
      '-0',
      '0.0005',
      '-0.0004',
      '0.0004',
      '1,234,567.891',
      '12345678901.999',
      '12345678901.9994',
      '-99,999,999,999.9',
      '+5',
      '.5',
      '5.',
      '0000123.4500',
      '10000',
      '100000000',
      '1.0001',
      '-1',
      '3,400',
      '4.4',
      '00.00',
      '9999.99995',
    ];
    let seed = 7;
    const rnd = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
    for (let k = 0; k < 300; k++) {
      const int = String(rnd(10 ** (1 + rnd(8)))) + (rnd(3) ? '' : String(rnd(10000)).padStart(4, '0'));
      const frac = rnd(3) ? '' : '.' + String(rnd(10 ** (1 + rnd(5)))).padStart(1 + rnd(5), '0');
      numbers.push((rnd(4) ? '' : '-') + (rnd(2) ? int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : int) + frac);
    }
    const texts = [
      'S1',
      ' 小林組 ',
      'a\tb',
      'back\\slash',
      '"quoted"',
      'がれき類（コンクリートがら）～',
      '\u3000全角\u3000',
      'x'.repeat(5000),
      '髙﨑㈱①',
      '',
    ];
    const writer = new CopyBinaryWriter(64); // tiny, so the buffer grows
    const typed: TypedValue[] = [];
    let text = '';
    let n = 0;
    for (const num of numbers) {
      for (let k = 0; k < 2; k++) {
        n++;
        const fields = [
          `2025/${(n % 12) + 1}/${(n % 28) + 1}`,
          `S${n}`,
          String(n),
          texts[n % texts.length]!,
          texts[(n + 3) % texts.length]!,
          'I1',
          texts[(n + 5) % texts.length]!,
          num,
          numbers[(n + k) % numbers.length]!,
          't',
          num,
          numbers[(n + 2 * k) % numbers.length]!,
        ];
        const errors: never[] = [];
        const ok = checkRow(spec, fields, n, errors, 10, typed);
        if (ok === undefined) continue; // e.g. a negative weight
        writer.typedRow(
          spec.map((c) => c.type),
          spec.map((c) => c.scale ?? 0),
          typed,
          2 ** 33 + n,
          n,
        );
        const esc = (v: TypedValue, i: number) =>
          v === null
            ? '\\N'
            : spec[i]!.type === 'date'
              ? String(v).replace(/(\d{4})(\d\d)(\d\d)/, '$1-$2-$3')
              : String(v)
                  .replace(/,/g, (m) => (spec[i]!.type === 'numeric' ? '' : m))
                  .replace(/\\/g, '\\\\')
                  .replace(/\t/g, '\\t');
        text += [...typed.map(esc), 2 ** 33 + n, n].join('\t') + '\n';
      }
    }
    writer.end();
    expect(n).toBeGreaterThan(50);
    await copy(`COPY via_text FROM STDIN`, text);
    await copy(`COPY via_binary FROM STDIN WITH (FORMAT binary)`, writer.take());
    const q = (t: string) =>
      pool.query(
        `SELECT ${cols.map((c) => `${c}::text`).join(', ')}, upload_file_id::text, source_line FROM ${t} ORDER BY source_line`,
      );
    const [a, b] = await Promise.all([q('via_text'), q('via_binary')]);
    expect(b.rows.length).toBeGreaterThan(40);
    expect(b.rows).toEqual(a.rows);
  });

  it('refuses a number that rounds past the column precision as a row error, not a COPY failure', () => {
    const spec = KINDS.receive.columns;
    const errors: { reason: string }[] = [];
    const fields = ['2025/01/01', 'S1', '1', 'V', '', 'I', '', '99999999999.9995', '', '', '', ''];
    expect(checkRow(spec, fields, 2, errors as never[], 10, [])).toBeUndefined();
    expect(errors[0]?.reason).toMatch(/number too large .*rounded/);
    fields[7] = '99999999999.9994';
    expect(checkRow(spec, fields, 2, [], 10, [])).toBe(20250101);
  });
});
