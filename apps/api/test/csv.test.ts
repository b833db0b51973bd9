import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CsvSplitter, CsvSyntaxError } from '../src/ingest/csv.ts';

function split(text: string, chunk = 7): { records: string[][]; lines: number[]; texts: string[] } | { error: string } {
  const s = new CsvSplitter();
  const records: string[][] = [];
  const lines: number[] = [];
  const texts: string[] = [];
  try {
    const keep = (r: { fields: string[]; line: number; text: string }) => {
      records.push(r.fields);
      lines.push(r.line);
      texts.push(r.text);
    };
    for (let i = 0; i < text.length; i += chunk) s.push(text.slice(i, i + chunk)).forEach(keep);
    s.push('', true).forEach(keep);
    return { records, lines, texts };
  } catch (e) {
    if (e instanceof CsvSyntaxError) return { error: e.code };
    throw e;
  }
}

describe('CsvSplitter', () => {
  it('splits quoted fields, doubled quotes, CRLF and quoted newlines, and reports start lines', () => {
    const r = split('a,b\r\n"1,2","x""y"\r\n"multi\r\nline",z\r\n\r\nlast,"q"');
    expect(r).toEqual({
      records: [['a', 'b'], ['1,2', 'x"y'], ['multi\r\nline', 'z'], [''], ['last', 'q']],
      lines: [1, 2, 3, 5, 6],
      texts: ['a,b', '"1,2","x""y"', '"multi\r\nline",z', '', 'last,"q"'],
    });
  });

  it('refuses an unclosed quote, text after a closing quote and a quote inside a bare field', () => {
    expect(split('a,"b\r\nc,d\r\n')).toEqual({ error: 'QUOTE_NOT_CLOSED' });
    expect(split('a,"b"x,c\r\n')).toEqual({ error: 'INVALID_CLOSING_QUOTE' });
    expect(split('a,b"c\r\n')).toEqual({ error: 'QUOTE_IN_UNQUOTED_FIELD' });
    // …in a field before the record's last one too (a comma ends it, not the line).
    expect(split('a"b,c\r\n')).toEqual({ error: 'QUOTE_IN_UNQUOTED_FIELD' });
  });

  it('agrees with csv-parse on 3000 random inputs split at random chunk sizes', () => {
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const tokens = ['a', 'bc', '受入', ',', ',', '"', '""', '\r\n', '\r\n', ' ', '"q,"', '"x\r\ny"', '1,234'];
    let compared = 0;
    for (let k = 0; k < 3000; k++) {
      const text = Array.from({ length: 1 + rnd(25) }, () => tokens[rnd(tokens.length)]).join('');
      let expected: string[][] | 'error';
      try {
        expected = parse(text, { relax_column_count: true, record_delimiter: '\r\n' });
      } catch {
        expected = 'error';
      }
      const got = split(text, 1 + rnd(9));
      if (expected === 'error') {
        expect('error' in got, `${JSON.stringify(text)} should be an error, got ${JSON.stringify(got)}`).toBe(true);
      } else {
        expect('records' in got ? got.records : got, JSON.stringify(text)).toEqual(expected);
        compared++;
        // Each record's own text (what raw's CSV COPY receives) parses back to its fields.
        if ('texts' in got) {
          got.texts.forEach((t, i) => {
            if (t !== '')
              expect(parse(t, { relax_column_count: true, record_delimiter: '\r\n' }), JSON.stringify(t)).toEqual([
                got.records[i],
              ]);
          });
          expect(got.texts.join('\r\n') + (text.endsWith('\r\n') ? '\r\n' : '')).toBe(text);
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
  });
});
