import iconv from 'iconv-lite';
import { IngestRejected } from './errors.ts';

export type DetectedEncoding = 'utf-8' | 'utf-8-bom' | 'cp932';

const MAX_HEADER_BYTES = 1024 * 1024;
const DECODE_SLICE = 256 * 1024;

/** Why a first chunk is not a text CSV at all (UTF-16, zip, other binary), or undefined. */
export function binaryProblem(head: Buffer): string | undefined {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    return 'the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8 or Shift_JIS (CP932) CSV';
  }
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5 || head[2] === 7)) {
    return 'the file is a zip archive (or an .xlsx workbook), not a CSV; unzip it or export the sheet as CSV';
  }
  const sample = head.subarray(0, 8192);
  const nul = sample.indexOf(0);
  if (nul >= 0) {
    // ASCII text in UTF-16 has a NUL in every other byte.
    let zerosOdd = 0;
    let zerosEven = 0;
    for (let i = 0; i < Math.min(sample.length, 512); i++) if (sample[i] === 0) (i % 2 ? zerosOdd++ : zerosEven++);
    if (zerosOdd > 20 || zerosEven > 20) {
      if (Math.abs(zerosOdd - zerosEven) > Math.max(zerosOdd, zerosEven) / 2) {
        return 'the file looks like UTF-16 without a byte-order mark (NUL in every other byte); save it as UTF-8 or Shift_JIS (CP932) CSV';
      }
    }
    return `the file is binary, not text (a NUL byte at offset ${nul}); upload the CSV export itself`;
  }
  return undefined;
}

function isValidUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

function countNewlines(s: string, end = s.length): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0 && i < end; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

export interface DecodeState {
  encoding?: DetectedEncoding;
}

/**
 * Decode a CSV's bytes: a UTF-8 BOM means UTF-8; else the first line decides (valid UTF-8 → UTF-8,
 * otherwise CP932). An undecodable byte anywhere is an error naming its line — never a silent
 * U+FFFD. UTF-16, zip and binary input are refused with a reason.
 */
export async function* decodeCsv(chunks: AsyncIterable<Buffer>, state: DecodeState = {}): AsyncGenerator<string> {
  const it = chunks[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  // Gather the first line (0x0A is the same byte in UTF-8 and CP932).
  for (;;) {
    const nl = head.indexOf(0x0a);
    if (nl >= 0) break;
    if (head.length > MAX_HEADER_BYTES) {
      throw new IngestRejected('E_NOT_CSV', `the first line is longer than ${MAX_HEADER_BYTES} bytes without a line break; this is not a Shogun CSV export`);
    }
    const next = await it.next();
    if (next.done) break;
    head = head.length ? Buffer.concat([head, next.value]) : next.value;
    if (head.length === next.value.length) {
      const why = binaryProblem(head);
      if (why) throw new IngestRejected('E_ENCODING', why);
    }
  }
  if (head.length === 0) throw new IngestRejected('E_EMPTY', 'the file is empty');
  const why = binaryProblem(head);
  if (why) throw new IngestRejected('E_ENCODING', why);

  let encoding: DetectedEncoding;
  let body = head;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    encoding = 'utf-8-bom';
    body = head.subarray(3);
  } else {
    const nl = head.indexOf(0x0a);
    encoding = isValidUtf8(nl >= 0 ? head.subarray(0, nl) : head) ? 'utf-8' : 'cp932';
  }
  state.encoding = encoding;
  const decoder = iconv.getDecoder(encoding === 'cp932' ? 'cp932' : 'utf-8', { stripBOM: false });
  let lines = 0;
  const emit = (text: string): string => {
    const bad = text.indexOf('\uFFFD');
    if (bad >= 0) {
      const line = lines + countNewlines(text, bad) + 1;
      const name = encoding === 'cp932' ? 'Shift_JIS (CP932)' : 'UTF-8';
      throw new IngestRejected('E_ENCODING', `line ${line} has a byte sequence that is not valid ${name}; the file was read as ${name} (decided from ${encoding === 'utf-8-bom' ? 'its byte-order mark' : 'its header line'}) — re-export it in one encoding`, [
        { line, column: null, value: null, reason: `invalid ${name} byte` },
      ]);
    }
    lines += countNewlines(text);
    return text;
  };
  const first = emit(decoder.write(body));
  if (first) yield first;
  for (;;) {
    const next = await it.next();
    if (next.done) break;
    // Decode in slices so every string downstream stays small (memory stays flat on GB files).
    for (let i = 0; i < next.value.length; i += DECODE_SLICE) {
      const text = emit(decoder.write(next.value.subarray(i, i + DECODE_SLICE)));
      if (text) yield text;
    }
  }
  const tail = emit(decoder.end() ?? '');
  if (tail) yield tail;
}
