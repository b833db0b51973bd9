import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, rmdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ident, withClient, withDatabase } from '@warehouse/db/pg';
import { ensureEmbeddedServer, freePort } from './server.ts';

export interface ThrowawayServer {
  /** URL of the maintenance database `postgres`. */
  adminUrl: string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

/**
 * A throw-away PostgreSQL: a fresh cluster in a temp directory on a free port, tuned for speed
 * over durability (fsync off), deleted on stop. Used by `pnpm db:snapshot`/`db:baseline` (when
 * no admin URL is given), the benchmarks and the test global setup.
 */
export async function startThrowawayServer(): Promise<ThrowawayServer> {
  const base = path.join(os.tmpdir(), 'pg-warehouse-toolkit');
  await mkdir(base, { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(path.join(base, 'throwaway-'));
  await rm(dir, { recursive: true, force: true }); // initdb wants to create it itself
  const server = await ensureEmbeddedServer({
    dir,
    port: await freePort(),
    throwaway: true,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: 300 },
  });
  return {
    adminUrl: server.url,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
      // Leave nothing behind in $TMPDIR: the shared parent goes too once no other server uses it.
      await rmdir(base).catch(() => undefined);
    },
  };
}

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh database with a random name on a server, optionally cloned from a template database.
 *
 * On PostgreSQL 15 and later the copy is `STRATEGY file_copy`: the template's files are copied
 * as they are, with a checkpoint, instead of being written block by block through the WAL (15's
 * default, `wal_log`, meant for big templates on busy servers). For the test suite's migrated
 * template (~9 MB) that is 26–61 ms a database instead of 86–100 ms on the 2-core machine of
 * 2026-12-07, and the suite makes hundreds of them.
 */
export async function createScratchDatabase(
  adminUrl: string,
  options: { template?: string; prefix?: string } = {},
): Promise<ScratchDatabase> {
  const name = `${options.prefix ?? 't'}_${randomBytes(5).toString('hex')}`;
  await withClient(adminUrl, async (c) => {
    const version = await c.query<{ v: number }>("select current_setting('server_version_num')::int as v");
    const strategy = version.rows[0]!.v >= 150000 ? ' strategy file_copy' : '';
    await c.query(
      `create database ${ident(name)}${options.template ? ` template ${ident(options.template)}` : ''}${strategy}`,
    );
  });
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () =>
      withClient(adminUrl, (c) => c.query(`drop database if exists ${ident(name)} with (force)`)).then(() => undefined),
  };
}
