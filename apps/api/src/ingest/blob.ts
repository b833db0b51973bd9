import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

const HEADER_BYTES = 19; // PGCOPY\n\377\r\n\0, int32 flags, int32 extension length

/**
 * The original bytes of an upload, in order, streamed with one binary COPY on a connection of its
 * own (so a transaction's connection stays free for COPY into raw). Binary COPY hands over the
 * bytea values as they are: a SELECT would send each 1 MiB chunk as a hex string twice its size
 * (pg's per-query binary mode reads values as UTF-8 strings, which mangles bytea).
 */
export async function* readBlobChunks(pool: pg.Pool, uploadId: number | string): AsyncGenerator<Buffer> {
  const client = await pool.connect();
  let done = false;
  const stream = client.query(
    copyStreams.to(
      `COPY (SELECT data FROM log.upload_blob WHERE upload_file_id = ${Number(uploadId)} ORDER BY chunk_no) TO STDOUT WITH (FORMAT binary)`,
    ),
  );
  try {
    let buf: Buffer = Buffer.alloc(0);
    let skip = HEADER_BYTES;
    let remaining = 0; // bytes of the current value still to pass through
    for await (const piece of stream as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, piece]) : piece;
      let o = 0;
      for (;;) {
        if (skip) {
          const n = Math.min(skip, buf.length - o);
          skip -= n;
          o += n;
          if (skip) break;
        }
        if (remaining) {
          const n = Math.min(remaining, buf.length - o);
          if (n === 0) break;
          yield buf.subarray(o, o + n);
          remaining -= n;
          o += n;
          continue;
        }
        // A row: int16 field count (-1 ends the data), then int32 length of the one value.
        if (buf.length - o < 2) break;
        if (buf.readInt16BE(o) === -1) {
          o = buf.length;
          break;
        }
        if (buf.length - o < 6) break;
        remaining = buf.readInt32BE(o + 2);
        o += 6;
      }
      buf = buf.subarray(o);
    }
    done = true;
  } finally {
    if (!done) stream.destroy();
    // A connection left in the middle of a COPY cannot be reused.
    client.release(done ? undefined : true);
  }
}
