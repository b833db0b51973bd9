import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { decodeCsv, type DecodeState } from '../src/ingest/decode.ts';
import { IngestRejected } from '../src/ingest/errors.ts';

/** A CP932 header line, so detection picks CP932. */
const HEADER = iconv.encode('伝票日付,伝票番号\n', 'cp932');

async function decodeAll(
  bytes: Buffer,
  chunk = bytes.length,
): Promise<{ text: string; encoding?: string } | { line: number; code: string }> {
  const state: DecodeState = {};
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  try {
    let text = '';
    for await (const t of decodeCsv(chunks(), state)) text += t;
    return { text, encoding: state.encoding };
  } catch (e) {
    if (e instanceof IngestRejected) return { line: e.errors[0]?.line ?? -1, code: e.code };
    throw e;
  }
}

describe('decodeCsv (runtime Shift_JIS decoder with iconv-lite cp932 as the reference)', () => {
  it('agrees with iconv-lite on every 1- and 2-byte sequence and every lead byte before a letter, or names the bad line', async () => {
    const mismatches: string[] = [];
    const seqs: number[][] = [];
    for (let a = 0; a <= 0xff; a++) {
      seqs.push([a]);
      for (let b = 0; b <= 0xff; b++) seqs.push([a, b], [a, b, 0x41]);
    }
    for (const seq of seqs) {
      if (seq.includes(0x0a) || seq.includes(0x00)) continue; // line break; NUL makes it binary
      const file = Buffer.concat([HEADER, Buffer.from(seq), Buffer.from('\n')]);
      const want = iconv.decode(file, 'cp932');
      const got = await decodeAll(file);
      const ok = want.includes('\uFFFD')
        ? 'code' in got && got.code === 'E_ENCODING' && got.line === 2
        : 'text' in got && got.text === want;
      if (!ok) mismatches.push(`${seq.map((x) => x.toString(16)).join(' ')}: ${JSON.stringify(got)}`);
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  }, 120_000);

  it('decodes a big CP932 file split at arbitrary chunk sizes exactly like iconv-lite', async () => {
    const lines = ['伝票日付,伝票番号,品名'];
    for (let i = 0; i < 40_000; i++)
      lines.push(`2025/01/${(i % 28) + 1},${i},"がれき類（コンクリートがら）～${i % 7 ? '' : '\r\n㈱髙﨑'}"`);
    const file = iconv.encode(lines.join('\r\n') + '\r\n', 'cp932');
    for (const chunk of [1, 4093, 65536, 1 << 20]) {
      const got = await decodeAll(chunk === 1 ? file.subarray(0, 5000) : file, chunk);
      expect(got).toEqual({
        text: iconv.decode(chunk === 1 ? file.subarray(0, 5000) : file, 'cp932'),
        encoding: 'cp932',
      });
    }
  });

  it('names the line of an invalid byte deep in a file, whichever path decodes it', async () => {
    const good = iconv.encode('2025/01/01,1,がれき\n', 'cp932');
    const body: Buffer[] = [HEADER];
    for (let i = 0; i < 50_000; i++) body.push(good);
    body.push(Buffer.from([0x32, 0x30, 0x81, 0x0a])); // a lead byte cut by the line break: line 50,002
    for (let i = 0; i < 10; i++) body.push(good);
    expect(await decodeAll(Buffer.concat(body), 1 << 20)).toEqual({ line: 50_002, code: 'E_ENCODING' });
    const utf8 = Buffer.concat([
      Buffer.from('伝票日付,伝票番号\n'),
      Buffer.from('a,�\n'),
      Buffer.from([0x61, 0xe3, 0x81, 0x0a]),
    ]);
    expect(await decodeAll(utf8)).toEqual({ line: 3, code: 'E_ENCODING' });
  });

  it('keeps a UTF-8 file (with or without BOM) as it is, including a literal U+FFFD', async () => {
    const text = '伝票日付,伝票番号\r\n2025/01/01,"a\r\nb"\r\n2025/01/02,�\r\n';
    expect(await decodeAll(Buffer.from(text), 7)).toEqual({ text, encoding: 'utf-8' });
    expect(await decodeAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 3)).toEqual({
      text,
      encoding: 'utf-8-bom',
    });
  });

  it('refuses a line of more than 4 MiB without a line break', async () => {
    const file = Buffer.concat([HEADER, Buffer.alloc(5 * 1024 * 1024, 0x41)]);
    expect(await decodeAll(file, 1 << 20)).toEqual({ line: 2, code: 'E_NOT_CSV' });
  });
});
