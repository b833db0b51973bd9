import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, getEnvironment, loadRegistry, readIdentity, type EnvironmentRegistry } from '@warehouse/env';
import { ident, withClient } from '@warehouse/db';
import { createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { GuardRefusal } from '@warehouse/command';
import { guardDestructive, type GuardIo } from '../src/guard.ts';
import { resetByDropCreate } from '../src/ops/reset.ts';
import { runScript, type ScriptResult } from './run-script.ts';
import { startProdCluster, type ProdCluster } from './prod-cluster.ts';

/**
 * Production is known by what it is. A second, real cluster plays production: its database
 * `warehouse` is marked with `pnpm db:protect --env vm_prod`, and holds a table guard_marker that
 * every attempt must leave intact. Each spelling below reaches that database; each is tried
 * against the guard in-process (and, when the guard lets it through, the real DROP/CREATE runs, so
 * a hole would show as a missing marker), and a handful run end to end as subprocesses.
 */

const PW = `Pr0dPw${randomBytes(6).toString('hex')}`;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'guard-identity-'));
const write = (name: string, environments: object) => {
  const file = path.join(tmp, name);
  writeFileSync(file, JSON.stringify({ environments }));
  return file;
};
const mainRegistry = write('environments.json', {
  local_dev: { embedded: { port: 1 } },
  vm_stg: { remote: true },
  vm_prod: { remote: true, protected: true },
});
// A registry that tries to unprotect production, and one that leaves it out.
const unprotectRegistry = write('unprotected.json', {
  local_dev: { embedded: { port: 1 } },
  vm_prod: { protected: false, remote: false },
});
const droppedRegistry = write('dropped.json', { local_dev: { embedded: { port: 1 } }, scratch: {} });

let prod: ProdCluster;
let forwarder: net.Server;
let fwdPort: number;
let adminUrl: string;
const extra: TestDatabase[] = [];
const outputs: { what: string; text: string }[] = [];

function forward(targetPort: number): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(fwdPort, '127.0.0.1', () => resolve(server)));
}

async function markerIntact(database = 'warehouse'): Promise<boolean> {
  return withClient(prod.url(database), async (c) => {
    if ((await c.query("select to_regclass('public.guard_marker') as t")).rows[0].t === null) return false;
    return (await c.query('select note from guard_marker')).rows.map((r) => r.note).join() === 'untouched';
  });
}

beforeAll(async () => {
  adminUrl = inject('pgAdminUrl');
  prod = await startProdCluster(PW);
  await withClient(prod.url('postgres'), async (c) => {
    for (const db of ['warehouse', 'warehouse2', 'other']) await c.query(`create database ${ident(db)}`);
    // A role named like the database: a URL without a database lands on `warehouse`.
    await c.query(`create role warehouse login password '${PW}'`);
    await c.query('grant all on database warehouse to warehouse');
  });
  for (const db of ['warehouse', 'warehouse2', 'other']) {
    await withClient(prod.url(db), (c) =>
      c.query("create table guard_marker (note text); insert into guard_marker values ('untouched')"),
    );
  }
  fwdPort = await freePort();
  forwarder = await forward(prod.port);
  // Production is marked the way an operator does it.
  const r = await runScript('db-protect', ['--env', 'vm_prod'], {
    WAREHOUSE_ENV_FILE: mainRegistry,
    DATABASE_URL_VM_PROD: prod.url('warehouse'),
  });
  outputs.push({ what: 'db:protect --env vm_prod', text: r.stdout + r.stderr });
  if (r.code !== 0) throw new Error(`db:protect failed: ${r.stderr}`);
}, 180_000);

afterAll(async () => {
  forwarder?.close();
  await Promise.all(extra.map((d) => d.drop()));
  prod?.stop();
});

interface Spelling {
  label: string;
  env: string;
  url: () => string;
  /** PG* variables pg reads for what the URL leaves out. */
  pg?: Record<string, string>;
  registry?: string;
  /** The database the spelling reaches (default warehouse). */
  database?: string;
  vars?: Record<string, string>;
}

const u = (host: string, db = 'warehouse', query = '') =>
  `postgres://postgres:${PW}@${host}:${prod.port}/${db}${query}`;

const SPELLINGS: Spelling[] = [
  { label: '127.0.0.1', env: 'local_dev', url: () => u('127.0.0.1') },
  { label: 'localhost', env: 'local_dev', url: () => u('localhost') },
  { label: 'LOCALHOST (upper case)', env: 'local_dev', url: () => u('LOCALHOST') },
  { label: '127.1 (short loopback)', env: 'local_dev', url: () => u('127.1') },
  { label: '2130706433 (decimal loopback)', env: 'local_dev', url: () => u('2130706433') },
  { label: '0x7f000001 (hex loopback)', env: 'local_dev', url: () => u('0x7f000001') },
  { label: '[::1]', env: 'local_dev', url: () => (prod.ipv6 ? u('[::1]') : u('127.0.0.1')) },
  { label: '[::ffff:127.0.0.1] (v4-mapped)', env: 'local_dev', url: () => u('[::ffff:127.0.0.1]') },
  {
    label: '?host=127.0.0.1&port=P over nowhere.invalid:1',
    env: 'local_dev',
    url: () => `postgres://postgres:${PW}@nowhere.invalid:1/warehouse?host=127.0.0.1&port=${prod.port}`,
  },
  {
    label: '?port=P over :1',
    env: 'local_dev',
    url: () => `postgres://postgres:${PW}@127.0.0.1:1/warehouse?port=${prod.port}`,
  },
  {
    label: '?host=<unix socket dir>',
    env: 'local_dev',
    url: () =>
      `postgres://postgres:${PW}@ignored/warehouse?host=${encodeURIComponent(prod.socketDir)}&port=${prod.port}`,
  },
  {
    label: 'postgres:///warehouse + PGHOST=127.1 PGPORT PGUSER PGPASSWORD',
    env: 'local_dev',
    url: () => 'postgres:///warehouse',
    pg: { PGHOST: '127.1', PGPORT: '' },
  },
  {
    label: 'URL without database + PGDATABASE=warehouse',
    env: 'local_dev',
    url: () => `postgres://postgres:${PW}@127.0.0.1:${prod.port}`,
    pg: { PGDATABASE: 'warehouse' },
  },
  {
    label: 'URL without database, user warehouse (database = user)',
    env: 'local_dev',
    url: () => `postgres://warehouse:${PW}@127.0.0.1:${prod.port}`,
  },
  { label: '/%77arehouse (percent-encoded name)', env: 'local_dev', url: () => u('127.0.0.1', '%77arehouse') },
  {
    label: 'postgresql:// scheme with ?sslmode=disable',
    env: 'local_dev',
    url: () => `postgresql://postgres:${PW}@127.0.0.1:${prod.port}/warehouse?sslmode=disable`,
  },
  {
    label: 'password as ?password=',
    env: 'local_dev',
    url: () => `postgres://postgres@127.0.0.1:${prod.port}/warehouse?password=${PW}`,
  },
  {
    label: 'TCP forwarder 127.0.0.1:F',
    env: 'local_dev',
    url: () => `postgres://postgres:${PW}@127.0.0.1:${fwdPort}/warehouse`,
  },
  {
    label: 'TCP forwarder localhost:F ?application_name',
    env: 'local_dev',
    url: () => `postgres://postgres:${PW}@localhost:${fwdPort}/warehouse?application_name=innocent`,
  },
  { label: 'another env: vm_stg via 127.1', env: 'vm_stg', url: () => u('127.1') },
  {
    label: 'another env: vm_stg via forwarder',
    env: 'vm_stg',
    url: () => `postgres://postgres:${PW}@127.0.0.1:${fwdPort}/warehouse`,
  },
  {
    label: 'registry marking vm_prod unprotected: --env vm_prod',
    env: 'vm_prod',
    url: () => u('127.0.0.1'),
    registry: unprotectRegistry,
  },
  {
    label: 'registry marking vm_prod unprotected: local_dev via localhost',
    env: 'local_dev',
    url: () => u('localhost'),
    registry: unprotectRegistry,
  },
  {
    label: 'registry without vm_prod: scratch via 127.1',
    env: 'scratch',
    url: () => u('127.1'),
    registry: droppedRegistry,
  },
  {
    label: 'registry without vm_prod: local_dev host-less + PG*',
    env: 'local_dev',
    url: () => 'postgres:///warehouse',
    pg: { PGHOST: 'localhost', PGPORT: '' },
    registry: droppedRegistry,
  },
  // Not marked: production's configured URL is reachable, and the target is the same database.
  {
    label: 'unmarked production database, same identity as DATABASE_URL_VM_PROD (127.1 vs 127.0.0.1)',
    env: 'local_dev',
    url: () => u('127.1', 'warehouse2'),
    database: 'warehouse2',
    vars: { DATABASE_URL_VM_PROD: 'SET' },
  },
  {
    label: 'unmarked production database via forwarder, PROD_DATABASE_URL with vm_prod left out of the registry',
    env: 'scratch',
    url: () => `postgres://postgres:${PW}@127.0.0.1:${fwdPort}/warehouse2`,
    database: 'warehouse2',
    registry: droppedRegistry,
    vars: { PROD_DATABASE_URL: 'SET' },
  },
];

const ACTIONS = [
  'reset (method db)',
  'restore of prod.dump',
  'init from snapshot',
  'rollback --steps 1',
  'stamp --to head',
  'resolve --applied x',
];

function capture(): GuardIo & { text: () => string } {
  const out: string[] = [];
  return { write: (t) => void out.push(t), sleep: async () => {}, text: () => out.join('') };
}

/** Run `fn` with PG* variables set in this process (pg reads them when a URL leaves host/port/database out). */
async function withPgVars<T>(pgVars: Record<string, string> | undefined, fn: () => Promise<T>): Promise<T> {
  if (!pgVars) return fn();
  const all = { PGUSER: 'postgres', PGPASSWORD: PW, PGPORT: String(prod.port), ...pgVars };
  if (all.PGPORT === '') all.PGPORT = String(prod.port);
  const saved = Object.fromEntries(Object.keys(all).map((k) => [k, process.env[k]]));
  Object.assign(process.env, all);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The guard, then — only if it lets the command through — the real DROP/CREATE. */
async function attempt(
  s: Spelling,
  action: string,
  registry: EnvironmentRegistry,
  flags: { yes?: boolean; force?: boolean; confirm?: string } = { yes: true },
) {
  const env = getEnvironment(s.env, registry);
  const vars: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(s.vars ?? {})) vars[k] = v === 'SET' ? prod.url(s.database ?? 'warehouse') : v;
  const io = capture();
  const url = s.url();
  return withPgVars(s.pg, async () => {
    try {
      const r = await guardDestructive({ action, env, url, registry, flags, vars, countdownSeconds: 0, io });
      if (action.startsWith('reset')) await resetByDropCreate(url, env.name, r.identity);
      return { refused: undefined, out: io.text() };
    } catch (error) {
      if (error instanceof GuardRefusal) return { refused: error, out: io.text() };
      throw error;
    }
  });
}

describe('the guard knows production by what it is', () => {
  // Every spelling with the reset (whose real DROP would show a hole) and one other command in turn,
  // so each command meets several spellings without 27 × 6 SCRAM logins on a shared CI box.
  it(`refuses ${SPELLINGS.length} spellings that reach production across ${ACTIONS.length} commands (exit 2), and production's marker table survives every attempt`, async () => {
    expect(SPELLINGS.length).toBeGreaterThanOrEqual(20);
    const results: string[] = [];
    for (const [i, s] of SPELLINGS.entries()) {
      // Every spelling really reaches production (else the test would prove nothing).
      const id = await withPgVars(s.pg, () => readIdentity(s.url()));
      const prodId = await readIdentity(prod.url(s.database ?? 'warehouse'));
      expect([id.systemIdentifier, id.databaseOid], s.label).toEqual([prodId.systemIdentifier, prodId.databaseOid]);
      const registry = loadRegistry(s.registry ?? mainRegistry);
      for (const action of [ACTIONS[0]!, ACTIONS[1 + (i % (ACTIONS.length - 1))]!]) {
        const r = await attempt(s, action, registry);
        const label = `${s.label} / ${action}\n${r.out}`;
        expect(r.refused, label).toBeInstanceOf(GuardRefusal);
        expect(r.refused!.exitCode, label).toBe(2);
        expect(r.refused!.code, label).toMatch(/^E_(TARGET|ENV)_PROTECTED$/);
        expect(await markerIntact(s.database ?? 'warehouse'), label).toBe(true);
        const text = `${r.refused!.message}\n${r.out}`;
        outputs.push({ what: label, text });
        if (s.env !== 'vm_prod') {
          // The refusal names both sides: the env used, and the production database it reached.
          expect(text, label).toContain(`${s.env}'s URL reaches`);
          expect(text, label).toContain(`cluster ${prodId.systemIdentifier}`);
          expect(text, label).toContain(`oid ${prodId.databaseOid}`);
        }
      }
      results.push(`${s.label} [${s.env}; ${ACTIONS[0]}, ${ACTIONS[1 + (i % (ACTIONS.length - 1))]}]: refused`);
    }
    // Closing-note material: every spelling tried and what happened.
    console.info(`guard spellings:\n  ${results.join('\n  ')}`);
  }, 600_000);

  it('a marked database reached under another name is still refused with --force unless confirmed as vm_prod', async () => {
    const registry = loadRegistry(mainRegistry);
    const s = SPELLINGS[3]!; // 127.1 as local_dev
    const r = await attempt(s, 'reset (method db)', registry, { force: true, confirm: 'local_dev' });
    expect(r.refused?.code).toBe('E_GUARD_REFUSED');
    expect(r.refused?.message).toContain('vm_prod');
    expect(await markerIntact()).toBe(true);
  });

  it("genuinely different databases still reset — also spelt 127.1 — on the test server and on production's own cluster", async () => {
    const registry = loadRegistry(mainRegistry);
    const elsewhere = await createTestDatabase(adminUrl, { prefix: 'guard_other' });
    extra.push(elsewhere);
    await withClient(elsewhere.url, (c) =>
      c.query("create table guard_marker (note text); insert into guard_marker values ('untouched')"),
    );
    const cases: Spelling[] = [
      { label: 'test server via 127.1', env: 'local_dev', url: () => elsewhere.url.replace('@127.0.0.1:', '@127.1:') },
      {
        label: 'test server via 127.1 as vm_stg',
        env: 'vm_stg',
        url: () => elsewhere.url.replace('@127.0.0.1:', '@127.1:'),
      },
      { label: "production's cluster, database other, via 127.1", env: 'local_dev', url: () => u('127.1', 'other') },
    ];
    for (const s of cases) {
      await withClient(s.url(), (c) =>
        c.query(
          "create table if not exists guard_marker (note text); insert into guard_marker select 'untouched' where not exists (select 1 from guard_marker)",
        ),
      );
      const r = await attempt(s, 'reset (method db)', registry);
      expect(r.refused, `${s.label}\n${r.out}`).toBeUndefined();
      const gone = await withClient(
        s.url(),
        async (c) => (await c.query("select to_regclass('public.guard_marker') as t")).rows[0].t === null,
      );
      expect(gone, s.label).toBe(true);
      outputs.push({ what: s.label, text: r.out });
    }
    expect(await markerIntact()).toBe(true);
  });

  it('a restored copy of production is recognised as a copy, and the rules of the env it was reached as apply', async () => {
    const registry = loadRegistry(mainRegistry);
    const copy = await createTestDatabase(adminUrl, { prefix: 'guard_copy' });
    extra.push(copy);
    const dump = path.join(tmp, 'prod.dump');
    const src = new URL(prod.url('warehouse'));
    src.password = '';
    execFileSync('pg_dump', ['-Fc', '--file', dump, '--dbname', src.toString()], {
      env: { ...process.env, PGPASSWORD: PW },
    });
    const dst = new URL(copy.url);
    const dstPw = decodeURIComponent(dst.password);
    dst.password = '';
    execFileSync('pg_restore', ['--no-owner', '--dbname', dst.toString(), dump], {
      env: { ...process.env, PGPASSWORD: dstPw },
    });
    const id = await readIdentity(copy.url);
    expect(id.markerState).toBe('copy');
    expect(id.marker?.env).toBe('vm_prod');

    // Every command says so (db:status reads, does not change).
    const status = await runScript('db-status', ['--env', 'vm_stg'], {
      WAREHOUSE_ENV_FILE: mainRegistry,
      DATABASE_URL_VM_STG: copy.url,
    });
    expect(status.stderr).toContain('COPY of vm_prod');
    // A guarded command reads the identity once and says it once (withEnv's read is the guard's).
    const fill = await runScript('db-fill', ['--env', 'vm_stg'], {
      WAREHOUSE_ENV_FILE: mainRegistry,
      DATABASE_URL_VM_STG: copy.url,
    });
    expect(fill.stderr.split('COPY of vm_prod').length - 1, fill.stderr).toBe(1);
    expect(fill.stderr).not.toContain('REFUSED');

    const r = await attempt(
      { label: 'copy as vm_stg', env: 'vm_stg', url: () => copy.url },
      'reset (method db)',
      registry,
    );
    expect(r.refused, r.out).toBeUndefined();
    expect(r.out).toContain('is a COPY of vm_prod');
    expect(r.out).toContain('the rules of vm_stg apply');
    expect(await readIdentity(copy.url).then((x) => x.markerState)).toBe('none');
    expect(await markerIntact()).toBe(true);
  });

  it('an unreadable identity on a remote env fails closed (exit 2, naming what could not be read)', async () => {
    const registry = loadRegistry(mainRegistry);
    const closed = await freePort();
    const r = await attempt(
      { label: 'closed port', env: 'vm_stg', url: () => `postgres://postgres:${PW}@127.0.0.1:${closed}/warehouse` },
      'reset (method db)',
      registry,
    );
    expect(r.refused?.code).toBe('E_IDENTITY_UNREADABLE');
    expect(r.refused?.exitCode).toBe(2);
    expect(r.refused?.message).toContain('could not read the server behind');
    outputs.push({ what: 'closed port', text: r.refused!.message });
  });
});

describe('end to end: the CLI refuses production under other names (exit 2), prints no password', () => {
  const run = async (
    what: string,
    script: string,
    args: string[],
    env: Record<string, string | undefined>,
  ): Promise<ScriptResult> => {
    const r = await runScript(script, args, {
      WAREHOUSE_ENV_FILE: mainRegistry,
      WAREHOUSE_COUNTDOWN_SECONDS: '0',
      FORCE: undefined,
      ...env,
    });
    outputs.push({ what, text: r.stdout + r.stderr });
    return r;
  };

  it('db:reset, db:resolve, db:stamp, db:restore, db:rollback, db:init-from-snapshot through other spellings', async () => {
    const snapshot = path.join(tmp, 'snap.sql');
    writeFileSync(snapshot, 'create schema snapmark;\n');
    const cases: [string, string, string[], Record<string, string | undefined>, string][] = [
      [
        'db:reset local_dev via 127.1',
        'db-reset',
        ['--env', 'local_dev', '--method', 'db'],
        { DATABASE_URL_LOCAL_DEV: u('127.1') },
        'E_TARGET_PROTECTED',
      ],
      [
        'db:resolve vm_stg via ?host&port',
        'db-resolve',
        ['--env', 'vm_stg', '--applied', '20990101000000_x', '--yes'],
        {
          DATABASE_URL_VM_STG: `postgres://postgres:${PW}@nowhere.invalid:1/warehouse?host=127.0.0.1&port=${prod.port}`,
        },
        'E_TARGET_PROTECTED',
      ],
      [
        'db:stamp local_dev via PG* vars',
        'db-stamp',
        ['--env', 'local_dev', '--to', 'head'],
        {
          DATABASE_URL_LOCAL_DEV: 'postgres:///warehouse',
          PGHOST: '127.1',
          PGPORT: String(prod.port),
          PGUSER: 'postgres',
          PGPASSWORD: PW,
        },
        'E_TARGET_PROTECTED',
      ],
      [
        'db:restore vm_stg via forwarder',
        'db-restore',
        ['--env', 'vm_stg', '--file', path.join(tmp, 'prod.dump'), '--yes'],
        { DATABASE_URL_VM_STG: `postgres://postgres:${PW}@127.0.0.1:${fwdPort}/warehouse` },
        'E_TARGET_PROTECTED',
      ],
      [
        'db:rollback local_dev with ?password=',
        'db-rollback',
        ['--env', 'local_dev'],
        { DATABASE_URL_LOCAL_DEV: `postgres://postgres@localhost:${prod.port}/warehouse?password=${PW}` },
        'E_TARGET_PROTECTED',
      ],
      [
        'db:reset vm_prod, registry unprotecting it',
        'db-reset',
        ['--env', 'vm_prod', '--method', 'db'],
        { WAREHOUSE_ENV_FILE: unprotectRegistry, DATABASE_URL_VM_PROD: u('127.0.0.1') },
        'E_ENV_PROTECTED',
      ],
      [
        'db:init-from-snapshot scratch, registry without vm_prod',
        'db-init-from-snapshot',
        ['--env', 'scratch', '--file', snapshot],
        { WAREHOUSE_ENV_FILE: droppedRegistry, DATABASE_URL_SCRATCH: u('2130706433') },
        'E_TARGET_PROTECTED',
      ],
    ];
    for (const [what, script, args, env, code] of cases) {
      const r = await run(what, script, args, env);
      expect(r.code, `${what}\n${r.stderr}`).toBe(2);
      expect(r.stderr, what).toContain(code);
      expect(await markerIntact(), what).toBe(true);
    }
  }, 600_000); // seven CLI subprocesses on a shared box

  it('db:reset --env vm_prod without Docker or URL is refused (exit 2) before any tool check', async () => {
    const r = await run('db:reset vm_prod compose', 'db-reset', ['--env', 'vm_prod'], {
      WAREHOUSE_ENV_FILE: undefined,
      DATABASE_URL_VM_PROD: undefined,
      PROD_DATABASE_URL: undefined,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('E_ENV_PROTECTED');
    expect(r.stderr).not.toContain('E_TOOL_MISSING');
  });

  it('connection errors get a code and a fix, with the password masked', async () => {
    const closed = await freePort();
    const cases: [string, string, string][] = [
      ['closed port', `postgres://postgres:${PW}@127.0.0.1:${closed}/warehouse`, 'E_DB_UNREACHABLE'],
      ['missing database', u('127.0.0.1', 'no_such_db'), 'E_DB_MISSING'],
      ['wrong password', `postgres://postgres:wrong${PW}@127.0.0.1:${prod.port}/warehouse`, 'E_DB_AUTH'],
    ];
    for (const [what, url, code] of cases) {
      const r = await run(what, 'db-status', ['--env', 'vm_stg'], { DATABASE_URL_VM_STG: url });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr, what).toContain(code);
      expect(r.stderr, what).toContain('Fix:');
    }
  });

  it('db:psql opens psql on the env (password through PGPASSWORD, not argv); db:protect and db:psql have --help', async () => {
    const r = await run('db:psql', 'db-psql', ['--env', 'vm_stg', '--', '-tAc', 'select current_database()'], {
      DATABASE_URL_VM_STG: u('127.0.0.1', 'other'),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('other');
    for (const name of ['db-protect', 'db-psql']) {
      const h = await run(`${name} --help`, name, ['--help'], {});
      expect(h.code, name).toBe(0);
      expect(h.stdout, name).toContain(`Usage: pnpm ${name.replace('-', ':')}`);
    }
  });

  it('db:url and db:status mask ?password= and unparsable URLs', async () => {
    const q = await run('db:url ?password=', 'db-url', ['--env', 'vm_stg'], {
      DATABASE_URL_VM_STG: `postgres://postgres@127.0.0.1:${prod.port}/warehouse?password=${PW}`,
    });
    expect(q.code, q.stderr).toBe(0);
    // db:url prints the URL the toolkit connects with: the ?password= moved into the authority, masked
    expect(q.stdout).toContain('postgres:****@');
    const ssl = await run('db:url ?sslpassword=', 'db-url', ['--env', 'vm_stg'], {
      DATABASE_URL_VM_STG: `postgres://postgres@127.0.0.1:${prod.port}/warehouse?sslpassword=${PW}&password=${PW}`,
    });
    expect(ssl.code).toBe(1);
    expect(ssl.stderr).toContain('E_CONN_REFUSED');
    const bad = await run('db:status unparsable', 'db-status', ['--env', 'vm_stg'], {
      DATABASE_URL_VM_STG: `postgres://postgres:${PW}@127.0.0.1:notaport/warehouse`,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('E_CONN_INVALID');
  });
});

describe('secrets', () => {
  it("no output of any attempt above contains production's password", () => {
    expect(outputs.length).toBeGreaterThan(SPELLINGS.length * 2);
    for (const o of outputs) expect(o.text, o.what).not.toContain(PW);
  });
});
