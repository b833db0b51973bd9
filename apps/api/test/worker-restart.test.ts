import { afterAll, beforeAll, expect, it } from 'vitest';
import { csvText, encode, receiveRows } from './csv.ts';
import { multipart, testApp, waitFor, waitForUpload, type TestApp } from './helper.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t?.close());

it('a graphile-worker runner that ends by itself is replaced, and the new one processes uploads', async () => {
  const worker = await t.startWorker();
  const first = worker.runner;
  // As graphile-worker does after "Could not failJobs; queue is in an inconsistent state".
  await first.stop();
  await waitFor('the runner to be restarted', async () => worker.restarts === 1);
  expect(worker.runner).not.toBe(first);
  const res = await t.app.inject({
    method: 'POST',
    url: '/upload/csv',
    ...multipart([
      { name: 'flavour', value: 'final' },
      { name: 'receive', filename: 'r.csv', content: encode(csvText('receive', receiveRows('2025-05-01', 2, 10))) },
    ]),
  });
  expect(res.statusCode, res.body).toBe(202);
  expect((await waitForUpload(t.pool, res.json().uploads[0].id)).status).toBe('success');
});
