import type { TestProject } from 'vitest/node';
import { startTestServer } from './server.ts';

import './provided.ts';

/** Vitest global setup: one embedded PostgreSQL per test run; each test file makes its own database. */
export default async function setup(project: TestProject) {
  const server = await startTestServer();
  project.provide('pgAdminUrl', server.adminUrl);
  return async () => {
    await server.stop();
  };
}
