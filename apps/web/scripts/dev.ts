#!/usr/bin/env tsx
/**
 * pnpm dev — the console's Vite dev server (hot reload) with the API behind it: the API and its
 * workers on PORT (as `pnpm start`, without serving the built console), Vite on WEB_DEV_PORT
 * proxying every API path to it. Ctrl+C stops both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseOrExit } from '@warehouse/command';

parseOrExit({
  name: 'pnpm dev',
  summary: 'the console with hot reload (Vite) and the API behind it',
  description:
    'Starts the API and workers like `pnpm start` on PORT (3000) and the Vite dev server on\n' +
    'WEB_DEV_PORT (5173), which proxies the API routes to it. Open http://127.0.0.1:WEB_DEV_PORT/.\n' +
    'Environment: everything `pnpm start` reads (PORT, API_TOKEN, WAREHOUSE_ENV, …) and WEB_DEV_PORT.',
  flags: {},
  examples: ['pnpm dev', 'PORT=8080 WEB_DEV_PORT=8081 pnpm dev'],
});

const root = fileURLToPath(new URL('../../..', import.meta.url));
const web = fileURLToPath(new URL('..', import.meta.url));
const port = process.env.PORT ?? '3000';
const children: ChildProcess[] = [
  // node --import tsx, not the tsx CLI: the CLI's parent process relays Ctrl+C and SIGKILLs its child
  // when the child has not reported the signal within 30 ms, which a busy shutdown can miss.
  spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PORT: port, WEB_DIST: 'off' },
  }),
  spawn('pnpm', ['exec', 'vite'], { cwd: web, stdio: 'inherit', env: { ...process.env, PORT: port } }),
];
let exiting = false;
const stopAll = (code: number) => {
  if (exiting) return;
  exiting = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGINT');
  setTimeout(() => process.exit(code), 10_000).unref();
};
for (const c of children) {
  c.on('exit', (code) => {
    if (!exiting) console.error(`pnpm dev: ${c.spawnargs.slice(2).join(' ')} exited (${code}); stopping the other`);
    stopAll(code ?? 1);
    if (children.every((x) => x.exitCode !== null || x.signalCode !== null)) process.exit(code ?? 1);
  });
}
for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => stopAll(0));
