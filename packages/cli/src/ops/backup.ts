import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { maskUrl } from '@warehouse/db';
import {
  parseConnection,
  type DatabaseIdentity,
  type EnvironmentConfig,
  type EnvironmentRegistry,
} from '@warehouse/env';
import { CliError } from '@warehouse/command';
import type { DumpVia } from './dump.ts';
import { composeArgs, confirmSameAfter, confirmToolTarget, ensureToolVersion, pgConn, runTool } from './tools.ts';

export interface BackupOptions {
  env: EnvironmentConfig;
  url: string;
  registry: EnvironmentRegistry;
  via: DumpVia;
  /** Output file; default `<dir>/<env>/<env>_<UTC timestamp>.dump`. */
  out?: string;
  /** Default backups directory (WAREHOUSE_BACKUP_DIR, else `backups/` at the repo root). */
  dir: string;
  now?: () => Date;
}

export interface BackupResult {
  env: string;
  file: string;
  bytes: number;
  format: 'custom';
}

export function timestamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** `pg_dump -Fc` (custom format, for pg_restore) of the whole database. */
export async function backupDatabase(o: BackupOptions): Promise<BackupResult> {
  const file = path.resolve(
    o.out ?? path.join(o.dir, o.env.name, `${o.env.name}_${timestamp((o.now ?? (() => new Date()))())}.dump`),
  );
  await mkdir(path.dirname(file), { recursive: true });
  // Write to a temporary name first so a failed backup never looks like a good one.
  const partial = `${file}.partial`;
  if (o.via === 'compose') {
    const { user, database } = parseConnection(o.url);
    const args = [
      ...composeArgs(o.env, o.registry),
      'exec',
      '-T',
      o.env.compose!.service,
      'pg_dump',
      '-w',
      '-Fc',
      '-U',
      user,
      '-d',
      database,
    ];
    await new Promise<void>((resolve, reject) => {
      const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const outStream = createWriteStream(partial);
      let stderr = '';
      child.stdout.pipe(outStream);
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => {
        outStream.on('close', () =>
          code === 0
            ? resolve()
            : reject(
                new CliError(
                  'E_FAILED',
                  `backup of ${o.env.name} (${maskUrl(o.url)}) through docker compose failed (exit ${code}): ${stderr.trim()}`,
                ),
              ),
        );
        outStream.end();
      });
    });
  } else {
    await ensureToolVersion('pg_dump', o.url, o.env.name);
    const { conn, env } = pgConn(o.url);
    await runTool('pg_dump', ['--no-password', '-Fc', '--file', partial, '--dbname', conn], { env, url: o.url });
  }
  await rename(partial, file);
  return { env: o.env.name, file, bytes: (await stat(file)).size, format: 'custom' };
}

export interface RestoreOptions {
  env: EnvironmentConfig;
  url: string;
  file: string;
  /** Who the guard judged the target to be (read again when absent). */
  judged?: DatabaseIdentity;
}

/**
 * Restore a `pg_dump -Fc` file into the env's database: the objects in the file are dropped and
 * recreated (`--clean --if-exists`) in one transaction, so a failure leaves the database as it was.
 */
export async function restoreDatabase(o: RestoreOptions): Promise<{ env: string; file: string }> {
  if (!existsSync(o.file)) {
    throw new CliError(
      'E_USAGE',
      `backup file ${o.file} does not exist; pass a file written by \`pnpm db:backup --env ${o.env.name}\``,
    );
  }
  await ensureToolVersion('pg_restore', o.url, o.env.name);
  // pg_restore must change the database the guard judged: asked through libpq before, and again after.
  const before = await confirmToolTarget({ url: o.url, judged: o.judged, tool: 'pg_restore', envName: o.env.name });
  const { conn, env } = pgConn(o.url);
  await runTool(
    'pg_restore',
    [
      '--no-password',
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-privileges',
      '--single-transaction',
      '--exit-on-error',
      '--dbname',
      conn,
      o.file,
    ],
    { env, url: o.url },
  );
  await confirmSameAfter({ url: o.url, before, tool: 'pg_restore', envName: o.env.name });
  return { env: o.env.name, file: path.resolve(o.file) };
}

/** Check a file is a pg_dump custom-format archive before the guard asks anything. */
export async function checkBackupFile(file: string, envName: string): Promise<void> {
  if (!existsSync(file))
    throw new CliError(
      'E_USAGE',
      `backup file ${file} does not exist; pass a file written by \`pnpm db:backup --env ${envName}\``,
    );
  const r = await runTool('pg_restore', ['--list', file], { nothrow: true });
  if (r.exitCode !== 0)
    throw new CliError(
      'E_USAGE',
      `${file} is not a pg_dump custom-format archive (${r.stderr.trim()}); db:restore takes files written by \`pnpm db:backup\``,
    );
}
