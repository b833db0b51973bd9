// `pnpm start` migrates and seeds what it reaches: a database marked as production is started on
// only when WAREHOUSE_ENV names production, whatever URL reached it (issue 21: every writer guarded).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, inject, it, vi } from 'vitest';
import { maskUrl } from '@warehouse/db';
import { ident, withClient } from '@warehouse/db/pg';
import { writeProtectionMarker } from '@warehouse/env';
import { referenceRange } from '@warehouse/demo/seed';
import { createMigratedTemplate } from '@warehouse/migrate/testing';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { silent, testDatabase } from './helper.ts';

const execFileAsync = promisify(execFile);
const dbs: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const d of dbs) await d.drop();
});

const start = (databaseUrl: string, dbEnv: string) =>
  startServer({
    config: loadConfig({}, { logLevel: 'silent', databaseUrl, dbEnv, port: 0, host: '127.0.0.1', webDist: undefined }),
    worker: false,
    seed: referenceRange(),
    logger: silent,
  });

/** Rows `pnpm start` would write: its migrations' history and the reference data it seeds. */
async function written(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (
      await c.query(
        `SELECT (SELECT count(*) FROM _prisma_migrations) || '/' || (SELECT count(*) FROM ref.calendar) || '/' || (SELECT count(*) FROM kpi.monthly_targets) AS n`,
      )
    ).rows[0].n;
  } finally {
    await c.end();
  }
}

it('a database marked vm_prod is refused under another env name and nothing is written; named vm_prod it starts', async () => {
  const db = await testDatabase();
  dbs.push(db);
  await writeProtectionMarker(db.url, 'vm_prod');
  const before = await written(db.url);
  // the default WAREHOUSE_ENV (local_dev) and an env whose URL happens to reach production
  for (const dbEnv of ['local_dev', 'local_demo']) {
    const err = await start(db.url, dbEnv).then(
      async (s) => {
        await s.stop();
        return undefined;
      },
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err?.code, `${dbEnv}: ${err?.message}`).toBe('E_TARGET_PROTECTED');
    expect(err!.message).toContain('marked vm_prod');
    expect(err!.message).toContain('WAREHOUSE_ENV=vm_prod');
  }
  expect(await written(db.url)).toBe(before);

  const server = await start(db.url, 'vm_prod');
  try {
    expect(server.app).toBeDefined();
  } finally {
    await server.stop();
  }
});

// One rule for the URL (issue 25): DATABASE_URL is read with libpq's rules, PG* variables included,
// like every URL of the CLI. Each spelling below is read differently by node-pg, which the API
// handed it to before; a database named as node-pg would read it (the decoy) exists, so the old
// reading would start, on the wrong database. psql, reading the same string in the same
// environment, says where the API must be.
describe('DATABASE_URL is read as libpq (psql) reads it', () => {
  const admin = new URL(inject('pgAdminUrl'));
  const port = admin.port;
  const reach = `select current_database() || '|' || inet_server_port()`;

  /** What psql reaches with `url` and the current environment (the PG* variables stubbed below). */
  const psqlReaches = async (url: string) =>
    (await execFileAsync('psql', ['-X', '-A', '-t', '-q', '-c', reach, url], { encoding: 'utf8' })).stdout.trim();

  const createDatabase = async (name: string, template?: string) => {
    await withClient(inject('pgAdminUrl'), (c) =>
      c.query(`create database ${ident(name)}${template ? ` template ${ident(template)}` : ''}`),
    );
    dbs.push({
      drop: () =>
        withClient(inject('pgAdminUrl'), (c) => c.query(`drop database if exists ${ident(name)} with (force)`)).then(
          () => undefined,
        ),
    });
  };

  /** Start the API with DATABASE_URL = url (through loadConfig), answer where its pool is and its log. */
  async function startOn(url: string) {
    const lines: { msg?: string; database?: string; env?: string; source?: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    const server = await startServer({
      config: loadConfig({ DATABASE_URL: url }, { logLevel: 'info', port: 0, host: '127.0.0.1', webDist: undefined }),
      worker: false,
      logger,
    });
    try {
      const { rows } = await server.pool.query<{ r: string }>(`${reach} as r`);
      return { reaches: rows[0]!.r, databaseUrl: server.databaseUrl, log: lines.find((l) => l.msg === 'database') };
    } finally {
      await server.stop();
    }
  }

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('query parameters host, port and dbname win over the authority and the path', async () => {
    const db = await testDatabase();
    dbs.push(db);
    const decoy = `${db.name}_path`;
    await createDatabase(decoy);
    const url = `postgres://postgres:postgres@localhost:1/${decoy}?host=127.0.0.1&port=${port}&dbname=${db.name}`;
    expect(await psqlReaches(url)).toBe(`${db.name}|${port}`);
    const api = await startOn(url);
    expect(api.reaches).toBe(`${db.name}|${port}`);
    // the log names the source and the canonical URL, password masked
    expect(api.log).toMatchObject({ env: 'local_dev', source: 'DATABASE_URL' });
    expect(api.log!.database).toBe(maskUrl(api.databaseUrl));
    expect(api.log!.database).toContain(`127.0.0.1:${port}/${db.name}`);
    expect(api.log!.database).not.toContain(':postgres@');
  });

  it('percent-encoded user, password and database name are decoded as libpq decodes them', async () => {
    const template = await createMigratedTemplate(inject('pgAdminUrl'));
    const name = `api@enc/${randomBytes(4).toString('hex')}`;
    await createDatabase(name, template);
    // node-pg decodes the path with decodeURI, which leaves %40 and %2F as they are
    const decoy = name.replace('@', '%40').replace('/', '%2F');
    await createDatabase(decoy);
    const url = `postgres://%70ostgres:%70ostgre%73@127.0.0.1:${port}/${decoy}`;
    expect(await psqlReaches(url)).toBe(`${name}|${port}`);
    expect((await startOn(url)).reaches).toBe(`${name}|${port}`);
  });

  it('PG* variables fill what the URL leaves out, and ?dbname= beats PGDATABASE', async () => {
    const db = await testDatabase();
    dbs.push(db);
    const decoy = `${db.name}_pgdatabase`;
    await createDatabase(decoy);
    vi.stubEnv('PGPORT', port);
    vi.stubEnv('PGUSER', 'postgres');
    vi.stubEnv('PGPASSWORD', 'postgres');
    vi.stubEnv('PGDATABASE', decoy);
    const url = `postgres://127.0.0.1?dbname=${db.name}`;
    expect(await psqlReaches(url)).toBe(`${db.name}|${port}`);
    expect((await startOn(url)).reaches).toBe(`${db.name}|${port}`);
  });

  it('a spelling the toolkit refuses stops the start with an error naming DATABASE_URL and the fix', async () => {
    const db = await testDatabase();
    dbs.push(db);
    vi.stubEnv('PGHOST', undefined);
    const base = `postgres://postgres:postgres@127.0.0.1:${port}/${db.name}`;
    const refused: [url: string, code: string, fix: RegExp][] = [
      // Prisma's own parameter: node-pg ignores it, psql and pg_dump refuse the URL
      [`${base}?schema=public`, 'E_CONN_REFUSED', /\?schema=.*remove it/],
      // node-pg connects to TCP localhost, libpq to its Unix socket
      [`postgres://postgres:postgres@/${db.name}?port=${port}`, 'E_CONN_REFUSED', /Fix: name the host/],
      // credentials end at the first @ for libpq (host `gres@127.0.0.1`), at the last for node-pg
      [`postgres://postgres:post@gres@127.0.0.1:${port}/${db.name}`, 'E_CONN_INVALID', /percent-encode an @/],
      // node-pg takes a lone % literally, libpq refuses it
      [`postgres://postgres:post%gres@127.0.0.1:${port}/${db.name}`, 'E_CONN_INVALID', /encode a literal % as %25/],
      // libpq would fall back to plain text, node-pg insists on TLS
      [`${base}?sslmode=prefer`, 'E_CONN_REFUSED', /Fix: say sslmode=require .* or sslmode=disable/],
    ];
    for (const [url, code, fix] of refused) {
      const err = await startOn(url).then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(err?.code, `${url}: ${err?.message}`).toBe(code);
      expect(err!.message).toMatch(/^DATABASE_URL for environment local_dev \(/);
      expect(err!.message).toMatch(fix);
      expect(err!.message).not.toContain(':postgres@');
    }
  });
});
