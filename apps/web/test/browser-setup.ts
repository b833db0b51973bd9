import { existsSync } from 'node:fs';
import { buildConsoleIfStale } from '@warehouse/api/web';
import { CHROMIUM, DIST } from './stack.ts';

/** Global setup of the browser tests: the console is built (when stale) before any page is opened. */
export default function setup(): void {
  if (!existsSync(CHROMIUM)) return; // vitest.config.ts left the browser tests out and said so
  buildConsoleIfStale(DIST, (m) => console.log(m));
}
