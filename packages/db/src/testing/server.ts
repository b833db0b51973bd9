import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensureEmbeddedServer, freePort } from '../embedded/server.ts';
import { ident, withClient, withDatabase } from '../pg/with.ts';

export interface TestServer {
  /** URL of the maintenance database `postgres`. */
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * A throw-away PostgreSQL for a test run: a fresh cluster in a temp directory on a free port,
 * tuned for speed over durability (fsync off), deleted on stop.
 */
export async function startTestServer(): Promise<TestServer> {
  const base = path.join(os.tmpdir(), 'pg-warehouse-toolkit');
  await import('node:fs/promises').then((fs) => fs.mkdir(base, { recursive: true, mode: 0o755 }));
  const dir = await mkdtemp(path.join(base, 'test-'));
  await rm(dir, { recursive: true, force: true }); // initdb wants to create it itself
  const server = await ensureEmbeddedServer({
    dir,
    port: await freePort(),
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: 300 },
  });
  return {
    adminUrl: server.url,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database on the test server, optionally cloned from a template database. */
export async function createTestDatabase(adminUrl: string, options: { template?: string; prefix?: string } = {}): Promise<TestDatabase> {
  const name = `${options.prefix ?? 't'}_${randomBytes(5).toString('hex')}`;
  await withClient(adminUrl, (c) =>
    c.query(`create database ${ident(name)}${options.template ? ` template ${ident(options.template)}` : ''}`),
  );
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () =>
      withClient(adminUrl, (c) => c.query(`drop database if exists ${ident(name)} with (force)`)).then(() => undefined),
  };
}
