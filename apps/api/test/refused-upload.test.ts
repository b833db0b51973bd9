/**
 * Uploads refused while their body is still arriving, over real TCP (app.inject sends the whole
 * body at once and cannot show this): the client must read the 4xx answer, not a reset
 * connection, and the server must keep serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { testApp, type TestApp } from './helper.ts';

const good = readFileSync(new URL('./fixtures/good-receive.csv', import.meta.url));
let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await testApp({ uploadMaxBytes: 1024 * 1024, blobChunkBytes: 64 * 1024 });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => t?.close());

/** POST a multipart body whose file part is `fileBytes` long, written in 64 KiB pieces as fast as the server takes them. */
function postStreaming(
  fileName: string,
  first: Buffer,
  fileBytes: number,
): Promise<{ status?: number; body?: string; clientError?: string; sent: number }> {
  const boundary = '----refused';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="flavour"\r\n\r\nfinal\r\n--${boundary}\r\nContent-Disposition: form-data; name="receive"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve) => {
    const out: { status?: number; body?: string; clientError?: string; sent: number } = { sent: 0 };
    const req = http.request(`${base}/upload/csv`, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + fileBytes + tail.length,
      },
    });
    req.on('response', (res) => {
      out.status = res.statusCode;
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        out.body = body;
        resolve(out);
      });
    });
    req.on('error', (e) => {
      out.clientError = (e as NodeJS.ErrnoException).code ?? e.message;
      resolve(out);
    });
    const piece = Buffer.alloc(64 * 1024, 0x41);
    let left = fileBytes;
    const write = () => {
      if (out.sent === 0) req.write(head);
      while (left > 0) {
        const chunk = out.sent === 0 ? first : piece.subarray(0, Math.min(piece.length, left));
        left -= chunk.length;
        out.sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end(tail);
    };
    write();
  });
}

describe('an upload refused mid-body', () => {
  it('413 for a file over the limit: the client reads the answer', async () => {
    const r = await postStreaming('big.csv', good, 16 * 1024 * 1024);
    expect(r.clientError).toBeUndefined();
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body!).code).toBe('FST_REQ_FILE_TOO_LARGE');
  });

  it('415 for binary content detected after the first chunk', async () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00', 'binary'), Buffer.alloc(70 * 1024, 0x5a)]);
    const r = await postStreaming('book.csv', zip, 900 * 1024);
    expect(r.clientError).toBeUndefined();
    expect(r.status).toBe(415);
    expect(JSON.parse(r.body!).code).toBe('E_NOT_TEXT');
  });

  it('400 for a file name with a path, refused before its bytes are read', async () => {
    const r = await postStreaming('../../x.csv', good, 900 * 1024);
    expect(r.clientError).toBeUndefined();
    expect(r.status).toBe(400);
  });

  it('then still accepts a good upload', async () => {
    const r = await postStreaming('good.csv', good, good.length);
    expect(r.status).toBe(202);
  });
});
