import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

/** Bytes at the start of a file that the text check (binaryProblem) looks at. */
export const HEAD_BYTES = 8192;

/**
 * Write one uploaded file to `path` as it arrives, hashing it on the way: the request's body is
 * received whole before any database connection or lock is taken. `checkHead` sees the first
 * {@link HEAD_BYTES} bytes (or the whole file when shorter) as soon as they are in, and may throw
 * to refuse the file without reading the rest. `signal` abandons the file (the body was too slow).
 */
export async function spoolFile(
  file: AsyncIterable<Buffer>,
  path: string,
  checkHead: (head: Buffer) => void,
  signal?: AbortSignal,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  let head: Buffer[] | undefined = [];
  const check = () => {
    if (head && size) checkHead(Buffer.concat(head).subarray(0, HEAD_BYTES));
    head = undefined;
  };
  await pipeline(
    file,
    async function* (source: AsyncIterable<Buffer>) {
      for await (const buf of source) {
        hash.update(buf);
        size += buf.length;
        if (head) {
          head.push(buf);
          if (size >= HEAD_BYTES) check();
        }
        yield buf;
      }
      check();
    },
    createWriteStream(path, { flags: 'wx', mode: 0o600 }),
    { signal },
  );
  return { size, sha256: hash.digest('hex') };
}

/** A spooled file read back in chunks of exactly `chunkBytes` (the last one shorter). */
export async function* fileChunks(path: string, chunkBytes: number): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    for (;;) {
      // A fresh buffer per chunk: the previous one may still be in an INSERT in flight.
      const buf = Buffer.allocUnsafe(chunkBytes);
      let filled = 0;
      while (filled < chunkBytes) {
        const { bytesRead } = await fh.read(buf, filled, chunkBytes - filled, null);
        if (!bytesRead) break;
        filled += bytesRead;
      }
      if (filled) yield buf.subarray(0, filled);
      if (filled < chunkBytes) return;
    }
  } finally {
    await fh.close();
  }
}
