/**
 * receiveCsvStream: a Readable of the bytes of one large receive CSV (1M rows, 1 GB…), for
 * ingest benchmarks. Same generator as the demo files; days advance from `startDate`, and volume
 * per day is scaled up automatically so a big file spans about a decade rather than centuries.
 */
import { Readable } from 'node:stream';
import { DbError } from '@warehouse/db';
import { addDays, dayInfo, isIsoDate } from './seed/dates.ts';
import { CRLF, encodeText, encodingPreamble, headerLine, type DemoEncoding } from './csv.ts';
import { DemoGenerator } from './generate.ts';
import { CSV_TYPE } from '@warehouse/db/kinds';

export interface ReceiveCsvStreamOptions {
  /** Data rows to produce (header excluded). */
  rows?: number;
  /** Or: stop at the last whole row that keeps the file at most this many bytes. */
  bytes?: number;
  encoding?: DemoEncoding;
  seed?: string | number;
  /** First slip date (default 2015-01-01). */
  startDate?: string;
  /** Weights with thousands separators (default true). */
  thousandsSeparator?: boolean;
  /** Volume multiplier per day (default: automatic, ≥ 1, so the file spans ≤ ~10 years). */
  scale?: number;
}

/** Receive rows of one year at scale 1 (≈ 230 lines per weekday). */
const ROWS_PER_YEAR = 57_000;
/** Rough bytes per UTF-8 receive row, to size `bytes` runs. */
const BYTES_PER_ROW = 110;

/**
 * @example
 * await pipeline(receiveCsvStream({ rows: 1_000_000, encoding: 'cp932' }), createWriteStream('big.csv'))
 */
export function receiveCsvStream(options: ReceiveCsvStreamOptions): Readable {
  const { rows, bytes } = options;
  if (rows === undefined && bytes === undefined) {
    throw new DbError('E_BAD_ARGUMENT', 'receiveCsvStream: pass rows or bytes, e.g. { rows: 1_000_000 }');
  }
  for (const [name, v] of [
    ['rows', rows],
    ['bytes', bytes],
  ] as const) {
    if (v !== undefined && (!Number.isFinite(v) || v < 0))
      throw new DbError('E_BAD_ARGUMENT', `receiveCsvStream: ${name} ${v} must be a number ≥ 0`);
  }
  const startDate = options.startDate ?? '2015-01-01';
  if (!isIsoDate(startDate))
    throw new DbError('E_BAD_ARGUMENT', `receiveCsvStream: startDate "${startDate}" is not YYYY-MM-DD`);
  const encoding = options.encoding ?? 'utf-8';
  const grouped = options.thousandsSeparator ?? true;
  const estimatedRows = Math.min(rows ?? Infinity, bytes === undefined ? Infinity : bytes / BYTES_PER_ROW);
  const scale = options.scale ?? Math.max(1, estimatedRows / (ROWS_PER_YEAR * 10));
  const generator = new DemoGenerator(String(options.seed ?? 'bench'));
  const maxRows = rows ?? Infinity;
  const maxBytes = bytes ?? Infinity;

  let date = startDate;
  let slipNo = 1_000_001;
  let rowsOut = 0;
  let bytesOut = 0;
  let started = false;
  let done = false;

  /** The next chunk, or null at the end. */
  const nextChunk = (): Buffer | null => {
    if (!started) {
      started = true;
      const head = Buffer.concat([encodingPreamble(encoding), encodeText(headerLine(CSV_TYPE.receive), encoding)]);
      bytesOut += head.length;
      return head;
    }
    if (done) return null;
    while (rowsOut < maxRows) {
      const r = generator.day(CSV_TYPE.receive, dayInfo(date), { slipNo, grouped, scale });
      date = addDays(date, 1);
      slipNo += r.slips;
      if (r.rows === 0) continue;
      let text = r.text;
      let n = r.rows;
      if (rowsOut + n > maxRows) {
        n = maxRows - rowsOut;
        text = cutLines(text, n);
      }
      let buf = encodeText(text, encoding);
      if (bytesOut + buf.length > maxBytes) {
        // Trim to whole rows that fit; one row at a time from the end is cheap enough at the edge.
        const lines = text.split(CRLF).slice(0, n);
        while (lines.length > 0 && bytesOut + buf.length > maxBytes) {
          lines.pop();
          buf = encodeText(lines.length ? lines.join(CRLF) + CRLF : '', encoding);
        }
        n = lines.length;
        done = true;
      }
      rowsOut += n;
      bytesOut += buf.length;
      if (rowsOut >= maxRows) done = true;
      if (buf.length > 0) return buf;
      return null;
    }
    done = true;
    return null;
  };

  return new Readable({
    highWaterMark: 1 << 20,
    read() {
      for (;;) {
        const chunk = nextChunk();
        if (chunk === null) {
          this.push(null);
          return;
        }
        if (!this.push(chunk)) return;
      }
    },
  });
}

function cutLines(text: string, n: number): string {
  let idx = 0;
  for (let i = 0; i < n; i++) idx = text.indexOf(CRLF, idx) + 2;
  return text.slice(0, idx);
}
