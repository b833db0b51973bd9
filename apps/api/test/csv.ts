import iconv from 'iconv-lite';
import { KINDS, type CsvType } from '../src/ingest/kinds.ts';

export interface Line {
  date: string; // YYYY/MM/DD
  slip: string;
  line: number;
  kg: string;
  amount?: string;
}

/** One data row of a kind, as the Shogun export writes it. */
export function row(kind: CsvType, l: Line): string[] {
  const base = [l.date, l.slip, String(l.line)];
  const item = ['A01', '混合廃棄物', l.kg, '1', 'kg'];
  if (kind === 'yard') return [...base, ...item];
  const r = [...base, 'V001', '株式会社テスト', ...item, '12', l.amount ?? '1,200'];
  return kind === 'shipment' ? [...r, '山田'] : r;
}

export function csvText(kind: CsvType, rows: string[][], header = KINDS[kind].columns.map((c) => c.header)): string {
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [header, ...rows].map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
}

export function encode(text: string, encoding: 'utf-8' | 'utf-8-bom' | 'cp932' = 'utf-8'): Buffer {
  if (encoding === 'cp932') return iconv.encode(text, 'cp932');
  const b = Buffer.from(text, 'utf8');
  return encoding === 'utf-8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]) : b;
}

/** `days` consecutive days from `start` (YYYY-MM-DD), `perDay` lines each; kg = `kg(dayIndex, i)`. */
export function receiveRows(
  start: string,
  days: number,
  perDay: number,
  kg: (d: number, i: number) => number = () => 1000,
  slipPrefix = 'S',
): string[][] {
  const rows: string[][] = [];
  const t0 = Date.parse(`${start}T00:00:00Z`);
  for (let d = 0; d < days; d++) {
    const date = new Date(t0 + d * 86400_000).toISOString().slice(0, 10).replace(/-/g, '/');
    for (let i = 0; i < perDay; i++) {
      const w = kg(d, i);
      rows.push(
        row('receive', {
          date,
          slip: `${slipPrefix}${d}-${Math.floor(i / 2)}`,
          line: (i % 2) + 1,
          kg: w.toLocaleString('en-US'),
        }),
      );
    }
  }
  return rows;
}
