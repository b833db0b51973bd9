import iconv from 'iconv-lite';
import { IngestRejected } from './errors.ts';
import { rowReason } from './reasons.ts';

export type DetectedEncoding = 'utf-8' | 'utf-8-bom' | 'cp932';

const MAX_HEADER_BYTES = 1024 * 1024;
const DECODE_SLICE = 256 * 1024;
/** A physical line longer than this cannot be a Shogun export (the splitter caps a record at 1 Mi characters). */
const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** Characters the ICU Shift_JIS decoder produces where CP932 (iconv-lite) would differ. */
const SUSPECT = /[\u001a\u001c\u007f\u0080\ue000-\uf8ff]/;

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
    for (let i = 0; i < Math.min(sample.length, 512); i++)
      if (sample[i] === 0) {
        if (i % 2) zerosOdd++;
        else zerosEven++;
      }
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

/** 0-based index of the first line of `buf` that is not valid UTF-8, or -1. */
function firstInvalidUtf8Line(buf: Buffer): number {
  for (let start = 0, line = 0; start < buf.length; line++) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    if (!isValidUtf8(buf.subarray(start, end))) return line;
    start = end + 1;
  }
  return -1;
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
  try {
    yield* decodeFrom(it, state);
  } finally {
    // Stopped early (an error here or downstream): let the source release what it holds.
    await it.return?.();
  }
}

async function* decodeFrom(it: AsyncIterator<Buffer>, state: DecodeState): AsyncGenerator<string> {
  let head: Buffer = Buffer.alloc(0);
  // Gather the first line (0x0A is the same byte in UTF-8 and CP932).
  for (;;) {
    const nl = head.indexOf(0x0a);
    if (nl >= 0) break;
    if (head.length > MAX_HEADER_BYTES) {
      throw new IngestRejected(
        'E_NOT_CSV',
        `the first line is longer than ${MAX_HEADER_BYTES} bytes without a line break; this is not a Shogun CSV export`,
      );
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
  const name = encoding === 'cp932' ? 'Shift_JIS (CP932)' : 'UTF-8';
  const slow = encoding === 'cp932' ? 'cp932' : 'utf-8';
  const fast = new TextDecoder(encoding === 'cp932' ? 'shift_jis' : 'utf-8', { fatal: true, ignoreBOM: true });
  let lines = 0;
  /**
   * Decode one piece that ends at a line break (0x0A is never part of a multi-byte character in
   * UTF-8 or CP932, so pieces decode independently). The fast path is the runtime's own decoder;
   * a piece it refuses, or whose text could differ from CP932 as iconv-lite defines it (ICU maps
   * 0x1A/0x1C/0x7F differently and the user-defined rows F040-F9FC to private-use characters,
   * which CP932 here treats as invalid), is decoded again by iconv-lite, whose U+FFFD marks the
   * bad byte. test/decode.test.ts checks both paths agree on every 1-3 byte sequence.
   */
  const decodePiece = (piece: Buffer): string => {
    let text: string | undefined;
    try {
      text = fast.decode(piece);
      if (encoding === 'cp932' && SUSPECT.test(text)) text = undefined;
    } catch {
      text = undefined;
    }
    if (text === undefined) {
      text = iconv.decode(piece, slow, { stripBOM: false });
      // CP932 has no U+FFFD of its own, so the first one marks the bad byte; a UTF-8 file may
      // contain U+FFFD itself, so there the first line the strict decoder refuses is the bad one.
      const bad =
        encoding === 'cp932'
          ? text.indexOf('\uFFFD') >= 0
            ? countNewlines(text, text.indexOf('\uFFFD'))
            : -1
          : firstInvalidUtf8Line(piece);
      if (bad >= 0) {
        const line = lines + bad + 1;
        throw new IngestRejected(
          'E_ENCODING',
          `line ${line} has a byte sequence that is not valid ${name}; the file was read as ${name} (decided from ${encoding === 'utf-8-bom' ? 'its byte-order mark' : 'its header line'}) — re-export it in one encoding`,
          [{ line, column: null, value: null, ...rowReason('R_INVALID_BYTE', { encoding: name }) }],
        );
      }
    }
    lines += countNewlines(text);
    return text;
  };
  let carry: Buffer = body;
  for (;;) {
    // Cut what we have into pieces of about DECODE_SLICE bytes, each ending at a line break, so
    // every string downstream stays small (memory stays flat on GB files).
    let from = 0;
    while (carry.length - from > 0) {
      const want = Math.min(from + DECODE_SLICE, carry.length);
      let cut = carry.lastIndexOf(0x0a, want - 1);
      if (cut < from) cut = carry.indexOf(0x0a, want);
      if (cut < 0) break;
      const text = decodePiece(carry.subarray(from, cut + 1));
      if (text) yield text;
      from = cut + 1;
    }
    carry = carry.subarray(from);
    if (carry.length > MAX_LINE_BYTES) {
      throw new IngestRejected(
        'E_NOT_CSV',
        `line ${lines + 1} is longer than ${MAX_LINE_BYTES} bytes without a line break; this is not a Shogun CSV export`,
        [{ line: lines + 1, column: null, value: null, ...rowReason('R_LINE_TOO_LONG') }],
      );
    }
    const next = await it.next();
    if (next.done) break;
    carry = carry.length ? Buffer.concat([carry, next.value]) : next.value;
  }
  if (carry.length) {
    const tail = decodePiece(carry);
    if (tail) yield tail;
  }
}
