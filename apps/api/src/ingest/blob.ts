import type pg from 'pg';

/**
 * The original bytes of an upload, chunk by chunk in order, each read with its own query on the
 * pool (so a transaction's connection stays free for COPY). The next chunk is fetched while the
 * caller consumes the current one.
 */
export async function* readBlobChunks(pool: pg.Pool, uploadId: number | string): AsyncGenerator<Buffer> {
  const fetch = (n: number) =>
    pool
      .query<{ data: Buffer }>('SELECT data FROM log.upload_blob WHERE upload_file_id = $1 AND chunk_no = $2', [uploadId, n])
      .then((r) => r.rows[0]?.data);
  let next = fetch(0);
  for (let n = 0; ; n++) {
    const data = await next;
    if (!data) return;
    next = fetch(n + 1);
    next.catch(() => {}); // surfaced when awaited
    yield data;
  }
}
