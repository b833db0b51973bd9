import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** For tests (`@warehouse/refresher/testing`): a real HTTP receiver on 127.0.0.1 that records every POST; `failNext` answers 503 that many times. */
export interface Receiver {
  url: string;
  bodies: Record<string, unknown>[];
  /** Every request, also the refused ones: [status, body]. */
  requests: [number, Record<string, unknown>][];
  failNext: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', bodies: [], requests: [], failNext: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const body = JSON.parse(data);
      const status = r.failNext > 0 ? (r.failNext--, 503) : 200;
      r.requests.push([status, body]);
      if (status === 200) r.bodies.push(body);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  r.close = () => new Promise((resolve) => server.close(() => resolve()));
  return r;
}
