import { spawn } from 'node:child_process';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA_DIR_MARKER, defaultEmbeddedRoot, freePort, runningEmbeddedServer } from '@warehouse/env';
import { repoRoot, runScript } from './run-script.ts';

/**
 * The embedded server's lifetime as a user meets it: `db:reset` deletes only data directories the
 * toolkit made (marker file), and `kill <pnpm>` stops what pnpm started (pnpm does not forward
 * SIGTERM).
 */

const tmp = mkdtempSync(path.join(os.tmpdir(), 'embedded-lifetime-'));
const registryFile = path.join(tmp, 'environments.json');
writeFileSync(registryFile, JSON.stringify({ environments: { local_dev: { embedded: { port: 1 } } } }));
mkdirSync(defaultEmbeddedRoot(), { recursive: true, mode: 0o755 });
const dir = path.join(defaultEmbeddedRoot(), `lifetime-${randomBytes(4).toString('hex')}`);
const port = await freePort();
const base = {
  WAREHOUSE_ENV_FILE: registryFile,
  WAREHOUSE_COUNTDOWN_SECONDS: '0',
  EMBEDDED_PG_DIR_LOCAL_DEV: dir,
  EMBEDDED_PG_PORT_LOCAL_DEV: String(port),
};

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    if (check()) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('embedded server lifetime', () => {
  it('SIGTERM to `pnpm db:url --wait` (pnpm only, not its group) stops the embedded server and every child', async () => {
    const child = spawn('pnpm', ['-s', 'db:url', '--wait'], {
      cwd: repoRoot,
      env: { ...process.env, ...base, NO_COLOR: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const pgid = child.pid!;
    try {
      await until('the server to be up', () => out.includes('server running'), 120);
      const running = runningEmbeddedServer(dir);
      expect(running?.port, out).toBe(port);
      // The toolkit initialised this directory: it carries the marker.
      expect(existsSync(path.join(dir, DATA_DIR_MARKER))).toBe(true);
      process.kill(child.pid!, 'SIGTERM');
      await until('the embedded server to stop', () => runningEmbeddedServer(dir) === undefined);
      await until('every process of the group to end', () => !groupAlive(pgid));
      expect(out).not.toContain(':postgres@');
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  });

  it('db:reset of an embedded env refuses (exit 2) a data directory the toolkit did not create, and adopts old ones under the default root on start', async () => {
    // A directory elsewhere that looks like a cluster (a real one, for all the reset can tell).
    const foreign = path.join(tmp, 'real-cluster');
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, 'PG_VERSION'), '15\n');
    const refused = await runScript('db-reset', ['--env', 'local_dev'], {
      ...base,
      EMBEDDED_PG_DIR_LOCAL_DEV: foreign,
    });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('E_NOT_TOOLKIT_DIR');
    expect(readFileSync(path.join(foreign, 'PG_VERSION'), 'utf8')).toBe('15\n');

    // A directory under the default root made before markers existed: refused until its next start…
    unlinkSync(path.join(dir, DATA_DIR_MARKER));
    expect((await runScript('db-reset', ['--env', 'local_dev'], base)).code).toBe(2);
    const url = await runScript('db-url', [], base);
    expect(url.code, url.stderr).toBe(0);
    expect(existsSync(path.join(dir, DATA_DIR_MARKER))).toBe(true);
    // …after which the reset works as before.
    const reset = await runScript('db-reset', ['--env', 'local_dev'], base);
    expect(reset.code, reset.stderr).toBe(0);
    expect(existsSync(path.join(dir, DATA_DIR_MARKER))).toBe(true);
  });

  it('a port clash names the variable that moves the port: EMBEDDED_PG_PORT_<ENV>', async () => {
    const blocker = net.createServer();
    const taken = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    const clashDir = path.join(defaultEmbeddedRoot(), `clash-${randomBytes(4).toString('hex')}`);
    try {
      const r = await runScript('db-url', [], {
        ...base,
        EMBEDDED_PG_DIR_LOCAL_DEV: clashDir,
        EMBEDDED_PG_PORT_LOCAL_DEV: String(taken),
      });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('E_EMBEDDED');
      expect(r.stderr).toContain('EMBEDDED_PG_PORT_LOCAL_DEV=');
      expect(r.stderr).toContain('DATABASE_URL_LOCAL_DEV');
    } finally {
      blocker.close();
      rmSync(clashDir, { recursive: true, force: true });
    }
  });
});
