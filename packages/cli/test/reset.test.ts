import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { EMBEDDED_DATABASE, ensureEmbeddedServer, freePort, runningEmbeddedServer } from '@warehouse/env';
import { ident, withClient, withDatabase } from '@warehouse/db';
import { status } from '@warehouse/migrate';
import { createTestDatabase } from '@warehouse/migrate/testing';
import { dockerAvailable } from '../src/ops/tools.ts';
import { repoRoot, runScript } from './run-script.ts';

const docker = await dockerAvailable();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'reset-test-'));
// The embedded data directory must be reachable by the `postgres` user when tests run as root.
const embeddedBase = path.join(os.tmpdir(), 'pg-warehouse-toolkit');
mkdirSync(embeddedBase, { recursive: true, mode: 0o755 });
const embeddedDir = path.join(embeddedBase, `reset-test-${randomBytes(4).toString('hex')}`);
const project = `warehouse_reset_test_${randomBytes(3).toString('hex')}`;
const registryFile = path.join(tmp, 'environments.json');
const embeddedPort = await freePort();
writeFileSync(
  registryFile,
  JSON.stringify({
    environments: {
      local_emb: { embedded: { port: embeddedPort } },
      local_db: {},
      vm_stg: {
        remote: true,
        compose: { file: path.join(repoRoot, 'docker/compose.vm_stg.yml'), project, service: 'db', volume: 'pgdata' },
      },
    },
  }),
);
const base = {
  WAREHOUSE_ENV_FILE: registryFile,
  WAREHOUSE_COUNTDOWN_SECONDS: '0',
  EMBEDDED_PG_DIR_LOCAL_EMB: embeddedDir,
};

afterAll(() => {
  rmSync(embeddedDir, { recursive: true, force: true });
});

describe('db:reset --method db', () => {
  it('drops and recreates the database (other sessions terminated), then --migrate brings it to head', async () => {
    const db = await createTestDatabase(inject('pgAdminUrl'), { prefix: 'reset_db' });
    try {
      await withClient(db.url, (c) => c.query('create table marker (id int)'));
      // An idle session on the database must not block the reset.
      const idle = await import('pg').then((pg) => new pg.default.Client({ connectionString: db.url }));
      idle.on('error', () => {});
      await idle.connect();
      const r = await runScript('db-reset', ['--env', 'local_db', '--method', 'db', '--migrate', '--json'], {
        ...base,
        DATABASE_URL_LOCAL_DB: db.url,
      });
      await idle.end().catch(() => {});
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ env: 'local_db', method: 'db', backup: null });
      expect(out.migrated.length).toBeGreaterThan(0);
      expect(out.url).not.toContain(':postgres@');
      expect(
        await withClient(db.url, async (c) => (await c.query("select to_regclass('public.marker') as t")).rows[0].t),
      ).toBeNull();
      expect((await status({ url: db.url })).upToDate).toBe(true);
    } finally {
      await db.drop();
    }
  });

  it('refuses an unknown method with the allowed ones', async () => {
    const r = await runScript('db-reset', ['--env', 'local_db', '--method', 'truncate'], {
      ...base,
      DATABASE_URL_LOCAL_DB: 'postgres://x@127.0.0.1:1/x',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not one of volume, db, embedded');
  });
});

describe('db:reset --method embedded', () => {
  it('refuses while another process runs the server (naming its pid), then wipes and re-initialises once it is stopped', async () => {
    const server = await ensureEmbeddedServer({ dir: embeddedDir, port: embeddedPort });
    try {
      await withClient(server.url, (c) => c.query(`create database ${ident(EMBEDDED_DATABASE)}`));
      await withClient(withDatabase(server.url, EMBEDDED_DATABASE), (c) => c.query('create table marker (id int)'));
      const pid = runningEmbeddedServer(embeddedDir)!.pid;
      const busy = await runScript('db-reset', ['--env', 'local_emb'], base);
      expect(busy.code, busy.stderr).toBe(1);
      expect(busy.stderr).toContain(`postmaster pid ${pid}`);
      expect(busy.stderr).toContain('Nothing was changed');
      expect(
        await withClient(
          withDatabase(server.url, EMBEDDED_DATABASE),
          async (c) => (await c.query("select to_regclass('public.marker') as t")).rows[0].t,
        ),
      ).toBe('marker');
    } finally {
      await server.stop();
    }
    // Default method for an embedded env with no URL: embedded.
    const r = await runScript('db-reset', ['--env', 'local_emb', '--json'], base);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ env: 'local_emb', method: 'embedded' });
    expect(runningEmbeddedServer(embeddedDir)).toBeUndefined(); // the reset stopped the server it started
    const again = await ensureEmbeddedServer({ dir: embeddedDir, port: embeddedPort });
    try {
      const url = withDatabase(again.url, EMBEDDED_DATABASE);
      expect(
        await withClient(url, async (c) => (await c.query("select to_regclass('public.marker') as t")).rows[0].t),
      ).toBeNull();
    } finally {
      await again.stop();
    }
  });
});

describe('db:reset --method volume', () => {
  it.runIf(!docker)(
    'without Docker: fails (exit 1) before the guard, naming Docker and the alternative (this machine has no Docker)',
    async () => {
      const r = await runScript('db-reset', ['--env', 'vm_stg', '--yes'], {
        ...base,
        DATABASE_URL_VM_STG: undefined,
        STG_DATABASE_URL: undefined,
      });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('E_TOOL_MISSING');
      expect(r.stderr).toContain('needs Docker with the compose plugin');
      expect(r.stderr).toContain('--method db');
      expect(r.stderr).not.toContain('countdown');
    },
  );

  it.skipIf(!docker)(
    'SKIPPED where Docker is not available: down -v, up --wait, the data is gone (needs Docker + compose v2)',
    async () => {
      const compose = ['compose', '-f', path.join(repoRoot, 'docker/compose.vm_stg.yml'), '-p', project];
      const port = String(await freePort());
      const env = { ...process.env, POSTGRES_PASSWORD: 'test-pw', VM_STG_PG_PORT: port };
      const psql = (sql: string) =>
        execFileSync(
          'docker',
          [...compose, 'exec', '-T', 'db', 'psql', '-U', 'warehouse', '-d', 'warehouse', '-Atc', sql],
          { env, encoding: 'utf8' },
        ).trim();
      execFileSync('docker', [...compose, 'up', '-d', '--wait', 'db'], { env });
      try {
        psql('create table marker (id int)');
        expect(psql("select to_regclass('public.marker')")).toBe('marker');
        const r = await runScript('db-reset', ['--env', 'vm_stg', '--yes'], {
          ...base,
          POSTGRES_PASSWORD: 'test-pw',
          VM_STG_PG_PORT: port,
        });
        expect(r.code, r.stderr).toBe(0);
        expect(psql("select coalesce(to_regclass('public.marker')::text, 'gone')")).toBe('gone');
      } finally {
        execFileSync('docker', [...compose, 'down', '-v', '--remove-orphans'], { env });
      }
    },
  );
});
