import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@warehouse/env';
import { binDir, type ProdCluster } from './prod-cluster.ts';

/**
 * A physical copy of the "production" cluster, made as an operator would: pg_basebackup over the
 * replication protocol, then started as its own server on another port (a promoted standby and a
 * file-level copy look the same: same system_identifier, same database oids, same marker).
 */
export interface PhysicalCopy {
  port: number;
  url(database: string): string;
  stop(): void;
}

export async function startPhysicalCopy(prod: ProdCluster): Promise<PhysicalCopy> {
  const bin = binDir();
  const root = os.userInfo().uid === 0;
  const base = mkdtempSync(path.join(os.tmpdir(), 'prod-copy-'));
  chmodSync(base, 0o755);
  const data = path.join(base, 'data');
  const sock = path.join(base, 'sock');
  const env = { ...process.env, PGPASSWORD: prod.password };
  const run = (tool: string, args: string[]) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { stdio: 'pipe', env })
      : execFileSync(path.join(bin, tool), args, { stdio: 'pipe', env });
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(base, uid, gid);
  }
  run('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(prod.port),
    '-U',
    prod.user,
    '-D',
    data,
    '-X',
    'stream',
    '-c',
    'fast',
  ]);
  const port = await freePort();
  execFileSync(root ? 'runuser' : 'mkdir', root ? ['-u', 'postgres', '--', 'mkdir', '-p', sock] : ['-p', sock]);
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    path.join(base, 'log'),
    '-w',
    '-o',
    `-p ${port} -c listen_addresses='127.0.0.1' -c unix_socket_directories='${sock}' -c fsync=off`,
    'start',
  ]);
  return {
    port,
    url: (database) => `postgres://${prod.user}:${encodeURIComponent(prod.password)}@127.0.0.1:${port}/${database}`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
