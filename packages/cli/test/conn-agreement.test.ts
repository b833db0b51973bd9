import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { canonicalConnection, libpqConnection, readIdentity } from '@warehouse/env';
import { ident, withClient } from '@warehouse/db';
import { CliError } from '@warehouse/command';
import { restoreDatabase } from '../src/ops/backup.ts';
import { scrub } from '../src/ops/tools.ts';
import { runScript, type ScriptResult, writeRegistry } from './run-script.ts';
import { startProdCluster, type ProdCluster } from './prod-cluster.ts';

const execFileAsync = promisify(execFile);

/**
 * One reading of a connection (issue 21). A real cluster with three databases (scratch, warehouse
 * — marked production —, other) and three roles. Generated URLs and PG* environments are fed to
 * the toolkit's descriptor; node-pg (from the descriptor's canonical URL) and psql given the
 * ORIGINAL string and environment, as a user would run it, must reach the same database — or the
 * toolkit refuses the input. The tools' own arguments (the descriptor's conninfo and child
 * environment) are run through psql too, and must land where node-pg lands.
 */

const PW = `Pw${randomBytes(5).toString('hex')}`;
const PW_WAREHOUSE = `Wh${randomBytes(5).toString('hex')}`;
const PW_SCRATCH = `Sc${randomBytes(5).toString('hex')}`;
const ROLES: Record<string, string> = { postgres: PW, warehouse: PW_WAREHOUSE, scratch: PW_SCRATCH };
const QUERY = 'select current_database(), inet_server_port(), inet_server_addr() is null';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'conn-agreement-'));
const home = path.join(tmp, 'home');
let prod: ProdCluster;
let registry: string;
const outputs: { what: string; text: string }[] = [];

// The test process reads no PG* variable: every case brings its own.
for (const k of Object.keys(process.env)) if (/^PG/.test(k)) delete process.env[k];

beforeAll(async () => {
  mkdirSync(home, { mode: 0o755 });
  prod = await startProdCluster(PW);
  await withClient(prod.url('postgres'), async (c) => {
    for (const db of ['warehouse', 'scratch', 'other']) await c.query(`create database ${ident(db)}`);
    for (const [role, pw] of Object.entries(ROLES))
      if (role !== 'postgres') await c.query(`create role ${ident(role)} login password '${pw}'`);
  });
  for (const db of ['warehouse', 'scratch']) {
    await withClient(prod.url(db), (c) =>
      c.query("create table guard_marker (note text); insert into guard_marker values ('untouched')"),
    );
  }
  registry = writeRegistry('conn-agreement-', {
    local_dev: { embedded: { port: 1 } },
    vm_stg: { remote: true },
    vm_prod: { remote: true, protected: true },
  });
  const r = await runScript('db-protect', ['--env', 'vm_prod'], {
    WAREHOUSE_ENV_FILE: registry,
    DATABASE_URL_VM_PROD: prod.url('warehouse'),
  });
  if (r.code !== 0) throw new Error(`db:protect failed: ${r.stderr}`);
}, 180_000);

afterAll(() => prod?.stop());

/** Small seeded PRNG (mulberry32): the same cases every run, another seed for new ones. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, pick, chance: (p: number) => next() < p };
}

/** Percent-encode every byte (a spelling libpq decodes, and node-pg must be given decoded). */
const encodeAll = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');

interface Case {
  url: string;
  env: Record<string, string>;
}

function generate(seed: number, n: number): Case[] {
  const r = prng(seed);
  const P = String(prod.port);
  const socket = prod.socketDir;
  const dbs = ['scratch', 'warehouse', 'other', 'postgres', 'nosuch'];
  const users = Object.keys(ROLES);
  const pwFor = (u: string) => (r.chance(0.85) ? (ROLES[u] ?? PW) : 'wrong');
  const goodPass = path.join(tmp, 'pgpass-good');
  const openPass = path.join(tmp, 'pgpass-open');
  const hosts = [
    '127.0.0.1',
    'localhost',
    'LOCALHOST',
    '127.1',
    '',
    encodeURIComponent(socket),
    ...(prod.ipv6 ? ['[::1]'] : []),
  ];
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const user = r.pick(users);
    const db = r.chance(0.1) ? 'nosuch' : r.pick(dbs.slice(0, 4));
    let auth = '';
    const a = r.next();
    if (a < 0.5) auth = `${user}:${encodeURIComponent(pwFor(user))}@`;
    else if (a < 0.65) auth = `${r.chance(0.5) ? encodeAll(user) : user}@`;
    else if (a < 0.75) auth = `${user}:${encodeAll(pwFor(user))}@`;
    const host = r.chance(0.05) ? '127.0.0.2' : r.pick(hosts);
    const port = r.chance(0.8) ? `:${P}` : r.pick(['', ':', ':1']);
    const pathPart = r.pick(['', '/', `/${db}`, `/${db}`, `/${encodeAll(db)}`]);
    const params: string[] = [];
    const q = (k: string, v: string) => params.push(`${k}=${r.chance(0.5) ? encodeURIComponent(v) : encodeAll(v)}`);
    const nParams = r.pick([0, 0, 0, 1, 1, 2, 3]);
    for (let k = 0; k < nParams; k++) {
      // Mostly parameters that are folded, now and then one the toolkit refuses.
      const kind = r.chance(0.2)
        ? r.pick(['hostaddr', 'options', 'service', 'target_session_attrs', 'bogus', 'empty'])
        : r.pick([
            'dbname',
            'dbname',
            'host',
            'port',
            'user',
            'password',
            'sslmode',
            'application_name',
            'connect_timeout',
          ]);
      if (kind === 'dbname') q('dbname', r.pick([...dbs, '']));
      else if (kind === 'host') q('host', r.pick(['127.0.0.1', socket, '', '127.0.0.2', 'localhost']));
      else if (kind === 'port') q('port', r.pick([P, P, '1', '']));
      else if (kind === 'user') q('user', r.pick(users));
      else if (kind === 'password') q('password', r.pick([PW, PW_WAREHOUSE, PW_SCRATCH, 'wrong', '']));
      else if (kind === 'hostaddr') q('hostaddr', r.pick(['127.0.0.1', '127.0.0.2']));
      else if (kind === 'sslmode') q('sslmode', r.pick(['disable', 'disable', 'require', 'prefer']));
      else if (kind === 'application_name') q('application_name', 'prop test');
      else if (kind === 'options') q('options', r.pick(['-c search_path=evil', '-c role=warehouse', '']));
      else if (kind === 'service') q('service', 'nosuch');
      else if (kind === 'target_session_attrs') q('target_session_attrs', r.pick(['any', 'read-write']));
      else if (kind === 'connect_timeout') q('connect_timeout', '5');
      else if (kind === 'bogus') q(r.pick(['bogus', 'database', 'statement_timeout']), '1');
      else params.push('');
    }
    const env: Record<string, string> = {};
    const nEnv = r.pick([0, 0, 1, 1, 2, 3]);
    for (let k = 0; k < nEnv; k++) {
      const kind = r.chance(0.15)
        ? r.pick(['PGHOSTADDR', 'PGOPTIONS', 'PGSERVICE', 'PGTARGETSESSIONATTRS'])
        : r.pick([
            'PGHOST',
            'PGPORT',
            'PGPORT',
            'PGDATABASE',
            'PGUSER',
            'PGPASSWORD',
            'PGPASSWORD',
            'PGSSLMODE',
            'PGAPPNAME',
            'PGPASSFILE',
          ]);
      if (kind === 'PGHOST') env.PGHOST = r.pick(['127.0.0.1', socket, '127.1', '', '127.0.0.2']);
      else if (kind === 'PGPORT') env.PGPORT = r.pick([P, P, '1', '']);
      else if (kind === 'PGDATABASE') env.PGDATABASE = r.pick([...dbs, '']);
      else if (kind === 'PGUSER') env.PGUSER = r.pick(users);
      else if (kind === 'PGPASSWORD') env.PGPASSWORD = r.pick([PW, PW_WAREHOUSE, PW_SCRATCH, 'wrong', '']);
      else if (kind === 'PGHOSTADDR') env.PGHOSTADDR = r.pick(['127.0.0.1', '127.0.0.2']);
      else if (kind === 'PGOPTIONS') env.PGOPTIONS = r.pick(['-c search_path=evil', '-c role=warehouse', '']);
      else if (kind === 'PGSERVICE') env.PGSERVICE = 'nosuch';
      else if (kind === 'PGSSLMODE') env.PGSSLMODE = r.pick(['disable', 'prefer', 'require']);
      else if (kind === 'PGAPPNAME') env.PGAPPNAME = 'prop';
      else if (kind === 'PGPASSFILE') env.PGPASSFILE = r.pick([goodPass, openPass, path.join(tmp, 'missing')]);
      else env.PGTARGETSESSIONATTRS = r.pick(['any', 'read-write']);
    }
    const scheme = r.pick(['postgres://', 'postgresql://']);
    const query = params.length ? `?${params.join('&')}` : '';
    cases.push({ url: `${scheme}${auth}${host}${port}${pathPart}${query}`, env });
  }
  return cases;
}

function writePassfiles(): void {
  // Lines for the socket (as libpq matches it: by directory), for 127.0.0.1, and a wildcard per role.
  const lines = [
    `${prod.socketDir.replace(/:/g, '\\:')}:*:*:warehouse:${PW_WAREHOUSE}`,
    `127.0.0.1:${prod.port}:scratch:scratch:${PW_SCRATCH}`,
    `*:*:*:postgres:${PW}`,
  ];
  writeFileSync(path.join(tmp, 'pgpass-good'), `${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(path.join(tmp, 'pgpass-good'), 0o600);
  writeFileSync(path.join(tmp, 'pgpass-open'), `*:*:*:*:${PW}\n`, { mode: 0o644 });
  chmodSync(path.join(tmp, 'pgpass-open'), 0o644);
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * psql for every line, in four bash processes at once (each runs its share one after another;
 * a psql start mostly waits — on the server, on a refused or unreachable address): the original
 * string and environment (as a user runs it), and, for accepted cases, the descriptor's conninfo
 * and child environment (as the toolkit runs tools). Returns each run's first output line, or ERR.
 */
async function psqlBatch(runs: { env: Record<string, string>; args: string[] }[]): Promise<string[]> {
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };
  const lines = runs.map((r, i) => {
    const env = Object.entries({ ...base, ...r.env }).map(([k, v]) => sq(`${k}=${v}`));
    return `echo "##${i}"; env -i ${env.join(' ')} psql -X -w -At -c ${sq(QUERY)} ${r.args.map(sq).join(' ')} 2>/dev/null || echo ERR`;
  });
  const BATCHES = 4;
  const outs = await Promise.all(
    Array.from({ length: BATCHES }, async (_, b) => {
      const file = path.join(tmp, `batch-${b}.sh`);
      writeFileSync(file, lines.filter((_, i) => i % BATCHES === b).join('\n'));
      return (await execFileAsync('bash', [file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;
    }),
  );
  const results: string[] = [];
  for (const chunk of outs.join('\n').split(/^##/m).slice(1)) {
    const [idx, ...rest] = chunk.split('\n');
    results[Number(idx)] = rest.find((l) => l !== '') ?? 'ERR';
  }
  return results;
}

async function nodePg(url: string, cache: Map<string, Promise<string>>): Promise<string> {
  let p = cache.get(url);
  if (!p) {
    p = (async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
      client.on('error', () => {});
      try {
        await client.connect();
        const row = (await client.query({ text: QUERY, rowMode: 'array' })).rows[0] as [string, number, boolean];
        return `${row[0]}|${row[1] ?? ''}|${row[2] ? 't' : 'f'}`; // psql prints NULL (a socket's port) as ''
      } catch {
        return 'ERR';
      } finally {
        await client.end().catch(() => {});
      }
    })();
    cache.set(url, p);
  }
  return p;
}

describe('node-pg from the descriptor and psql from the original string reach the same database, or the toolkit refuses', () => {
  it('holds for 240 generated URLs and PG* environments (seeded)', async () => {
    writePassfiles();
    const seed = Number(process.env.CONN_PROPERTY_SEED ?? 20261207);
    const cases = generate(seed, 240);
    const read = cases.map((c) => {
      try {
        return canonicalConnection(c.url, { env: c.env, homeDir: home });
      } catch (error) {
        return error as Error & { code?: string };
      }
    });
    // psql runs only where the toolkit accepts (a refusal is an answer on its own), and the
    // descriptor's own conninfo + environment once per distinct pair.
    const runs: { env: Record<string, string>; args: string[] }[] = [];
    const origIdx: (number | undefined)[] = [];
    const oursIdx: (number | undefined)[] = [];
    const seen = new Map<string, number>();
    for (const [i, c] of cases.entries()) {
      const r = read[i]!;
      if (r instanceof Error) {
        origIdx.push(undefined);
        oursIdx.push(undefined);
        continue;
      }
      origIdx.push(runs.push({ env: c.env, args: [c.url] }) - 1);
      const { conninfo, env } = libpqConnection(r.conn, {});
      const key = JSON.stringify([conninfo, env]);
      if (!seen.has(key))
        seen.set(key, runs.push({ env: env as Record<string, string>, args: ['--dbname', conninfo] }) - 1);
      oursIdx.push(seen.get(key));
    }
    const psql = await psqlBatch(runs);
    const cache = new Map<string, Promise<string>>();
    const tally = { refused: 0, reached: 0, bothFailed: 0 };
    const refusals = new Map<string, number>();
    const problems: string[] = [];
    for (const [i, c] of cases.entries()) {
      const r = read[i]!;
      const label = `#${i} ${c.url.split(PW).join('<pw>')} env=${JSON.stringify(c.env).split(PW).join('<pw>')}`;
      if (r instanceof Error) {
        expect(r.code, `${label}: ${r.message}`).toMatch(/^E_CONN_(REFUSED|INVALID)$/);
        tally.refused++;
        const key = (r as { parameter?: string }).parameter ?? r.code!;
        refusals.set(key, (refusals.get(key) ?? 0) + 1);
        continue;
      }
      const original = psql[origIdx[i]!]!;
      const viaNode = await nodePg(r.url, cache);
      const viaTools = psql[oursIdx[i]!]!;
      if (viaNode !== original || viaTools !== viaNode)
        problems.push(
          `${label}\n  psql(original)=${original} node-pg(descriptor)=${viaNode} psql(descriptor)=${viaTools}`,
        );
      if (viaNode === 'ERR') tally.bothFailed++;
      else tally.reached++;
    }
    console.info(
      `conn agreement (seed ${seed}): ${JSON.stringify(tally)}; refused by parameter: ${JSON.stringify(Object.fromEntries(refusals))}`,
    );
    expect(problems, problems.join('\n')).toEqual([]);
    // Not vacuous: many cases really reach a database, some are refused, some fail on both sides.
    expect(tally.reached).toBeGreaterThanOrEqual(30);
    expect(tally.refused).toBeGreaterThanOrEqual(20);
    expect(tally.bothFailed).toBeGreaterThanOrEqual(10);
    // Every spelling of each database was reached at least once.
    const reachedDbs = new Set((await Promise.all([...cache.values()])).map((v) => v.split('|')[0]));
    for (const db of ['scratch', 'warehouse', 'other', 'postgres']) expect(reachedDbs).toContain(db);
  }, 600_000); // a psql process per accepted case: seconds on an idle machine, minutes on a loaded one
});

describe("Debian's pg_wrapper (/usr/bin/psql, pg_dump, pg_restore) cannot move a tool the toolkit starts", () => {
  // The wrapper sets PGHOST, PGPORT and PGDATABASE before libpq runs, from PGCLUSTER, --cluster,
  // ~/.postgresqlrc or /etc/postgresql-common/user_clusters. The toolkit gives a tool a conninfo
  // naming host, port and database, and a child environment without any PG* variable (HOME stays).
  it('with ~/.postgresqlrc and PGCLUSTER naming another server, the descriptor still lands where node-pg lands', async () => {
    expect(realpathSync(execFileSync('bash', ['-c', 'command -v psql'], { encoding: 'utf8' }).trim())).toBe(
      '/usr/share/postgresql-common/pg_wrapper',
    );
    const decoy = new URL(inject('pgAdminUrl'));
    const network = `15 ${decoy.hostname}:${decoy.port} postgres\n`; // version, cluster (host:port), database
    const rc = path.join(home, '.postgresqlrc');
    writeFileSync(rc, network);
    try {
      const { url, conn } = canonicalConnection(prod.url('warehouse'));
      const { conninfo, env } = libpqConnection(conn, {
        ...process.env,
        PGCLUSTER: `15/${decoy.hostname}:${decoy.port}`,
      });
      expect(Object.keys(env).filter((k) => /^PG/i.test(k))).toEqual(['PGPASSWORD']);
      const decoyAuth = { PGUSER: decodeURIComponent(decoy.username), PGPASSWORD: decodeURIComponent(decoy.password) };
      const [control, tool, toolWithCluster] = await psqlBatch([
        // Not vacuous: psql with nothing named goes where the wrapper says, the other server.
        { env: decoyAuth, args: [] },
        { env: env as Record<string, string>, args: ['--dbname', conninfo] },
        // Even with PGCLUSTER back in a tool's environment, the conninfo wins.
        {
          env: { ...(env as Record<string, string>), PGCLUSTER: `15/${decoy.hostname}:${decoy.port}` },
          args: ['--dbname', conninfo],
        },
      ]);
      expect(control).toBe(`postgres|${decoy.port}|f`);
      const viaNode = await nodePg(url, new Map());
      expect(viaNode).toBe(`warehouse|${prod.port}|f`);
      expect([tool, toolWithCluster]).toEqual([viaNode, viaNode]);
    } finally {
      rmSync(rc, { force: true });
    }
  });
});

describe('the CLI connects tools from the descriptor (issue 21)', () => {
  const argvLog = path.join(tmp, 'argv.log');
  let bin: string;
  let backupFile: string;

  const run = async (what: string, script: string, args: string[], env: Record<string, string | undefined>) => {
    const r = await runScript(script, args, {
      WAREHOUSE_ENV_FILE: registry,
      WAREHOUSE_COUNTDOWN_SECONDS: '0',
      WAREHOUSE_BACKUP_DIR: path.join(tmp, 'backups'),
      FORCE: undefined,
      PATH: `${bin}:${process.env.PATH}`,
      ...env,
    });
    outputs.push({ what, text: r.stdout + r.stderr });
    return r;
  };
  const markerIntact = async () =>
    withClient(prod.url('warehouse'), async (c) => {
      const t = (await c.query("select to_regclass('public.guard_marker') is not null as t")).rows[0].t as boolean;
      return t && (await c.query('select note from guard_marker')).rows.map((r) => r.note).join() === 'untouched';
    });
  const expectRefused = (r: ScriptResult, code: string, what: string) => {
    expect(r.code, `${what}\n${r.stderr}`).toBe(code === 'E_CONN_REFUSED' ? 1 : 2);
    expect(r.stderr, what).toContain(code);
  };

  beforeAll(async () => {
    // Wrappers that record each libpq tool's argv, then run the real tool.
    bin = path.join(tmp, 'bin');
    mkdirSync(bin);
    for (const tool of ['pg_dump', 'pg_restore', 'psql']) {
      const real = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      writeFileSync(
        path.join(bin, tool),
        `#!/bin/sh\nprintf '%s\\n' "${tool} $*" >> ${sq(argvLog)}\nexec ${sq(real)} "$@"\n`,
        { mode: 0o755 },
      );
    }
    await withClient(prod.url('postgres'), (c) => c.query('create database blank'));
    backupFile = path.join(tmp, 'scratch.dump');
    execFileSync(
      'pg_dump',
      ['-w', '-Fc', '--file', backupFile, '--dbname', `host=127.0.0.1 port=${prod.port} dbname=scratch user=postgres`],
      {
        env: { PATH: process.env.PATH, PGPASSWORD: PW },
      },
    );
  });

  it("DATABASE_URL_LOCAL_DEV='…/scratch?dbname=warehouse' db:restore / db:init-from-snapshot: the guard judges warehouse (production) and refuses; nothing changes", async () => {
    const evil = path.join(tmp, 'evil.sql');
    writeFileSync(evil, 'drop table guard_marker;\n');
    const url = `postgresql://postgres:${PW}@127.0.0.1:${prod.port}/scratch?dbname=warehouse`;
    for (const [what, script, args, env] of [
      ['db:restore ?dbname=warehouse', 'db-restore', ['--env', 'local_dev', '--file', backupFile], {}],
      [
        'db:restore ?dbname=warehouse with PROD_DATABASE_URL',
        'db-restore',
        ['--env', 'local_dev', '--file', backupFile],
        { PROD_DATABASE_URL: prod.url('warehouse') },
      ],
      ['db:init-from-snapshot ?dbname=warehouse', 'db-init-from-snapshot', ['--env', 'local_dev', '--file', evil], {}],
      ['db:restore vm_stg ?dbname=warehouse', 'db-restore', ['--env', 'vm_stg', '--file', backupFile, '--yes'], {}],
    ] as const) {
      const r = await run(what, script, [...args], {
        DATABASE_URL_LOCAL_DEV: url,
        DATABASE_URL_VM_STG: url,
        ...env,
      });
      expectRefused(r, 'E_TARGET_PROTECTED', what);
      expect(await markerIntact(), what).toBe(true);
    }
  }, 300_000);

  it('what the toolkit cannot read like libpq is refused, naming the parameter or variable (exit 1)', async () => {
    const base = `postgres://postgres:${PW}@127.0.0.1:${prod.port}/scratch`;
    for (const [what, env, name] of [
      ['?hostaddr= elsewhere', { DATABASE_URL_LOCAL_DEV: `${base}?hostaddr=127.0.0.2` }, 'hostaddr'],
      ['?service=', { DATABASE_URL_LOCAL_DEV: `${base}?service=prod` }, '?service='],
      ['PGSERVICE', { DATABASE_URL_LOCAL_DEV: base, PGSERVICE: 'prod' }, 'PGSERVICE'],
      ['PGHOSTADDR', { DATABASE_URL_LOCAL_DEV: base, PGHOSTADDR: '127.0.0.2' }, 'PGHOSTADDR'],
      ['?options= search_path', { DATABASE_URL_LOCAL_DEV: `${base}?options=-c%20search_path%3Devil` }, '?options='],
      ['PGOPTIONS role', { DATABASE_URL_LOCAL_DEV: base, PGOPTIONS: '-c role=warehouse' }, 'PGOPTIONS'],
      [
        'two hosts',
        { DATABASE_URL_LOCAL_DEV: `postgres://postgres:${PW}@127.0.0.1:${prod.port},127.0.0.2/scratch` },
        'several hosts',
      ],
    ] as const) {
      const r = await run(what, 'db-restore', ['--env', 'local_dev', '--file', backupFile], env);
      expectRefused(r, 'E_CONN_REFUSED', what);
      expect(r.stderr, what).toContain(name);
      expect(r.stderr, what).toMatch(/Fix|remove|name one/);
    }
    expect(await markerIntact()).toBe(true);
  }, 300_000);

  it('PGPASSWORD alone works for db:backup, db:dump, db:restore and db:psql; no password in any argv; tools never prompt', async () => {
    writeFileSync(argvLog, '');
    const env = { DATABASE_URL_LOCAL_DEV: `postgres://postgres@127.0.0.1:${prod.port}/scratch`, PGPASSWORD: PW };
    const backup = await run('db:backup PGPASSWORD alone', 'db-backup', ['--env', 'local_dev', '--json'], env);
    expect(backup.code, backup.stderr).toBe(0);
    const file = (JSON.parse(backup.stdout) as { file: string }).file;
    expect(existsSync(file)).toBe(true);
    const dump = await run('db:dump PGPASSWORD alone', 'db-dump', ['--env', 'local_dev'], env);
    expect(dump.code, dump.stderr).toBe(0);
    expect(dump.stdout).toContain('guard_marker');
    await withClient(prod.url('scratch'), (c) => c.query("update guard_marker set note = 'changed'"));
    const restore = await run('db:restore PGPASSWORD alone', 'db-restore', ['--env', 'local_dev', '--file', file], env);
    expect(restore.code, restore.stderr).toBe(0);
    expect(
      await withClient(prod.url('scratch'), async (c) => (await c.query('select note from guard_marker')).rows[0].note),
    ).toBe('untouched');
    const psql = await run(
      'db:psql PGPASSWORD alone, -h/-d in the arguments',
      'db-psql',
      ['--env', 'local_dev', '--', '-h', '127.0.0.2', '-d', 'warehouse', '-tAc', 'select current_database()'],
      env,
    );
    expect(psql.code, psql.stderr).toBe(0);
    expect(psql.stdout.trim()).toBe('scratch');
    // a wrong password fails fast (no prompt), with the password scrubbed from the error
    const wrong = await run('db:backup wrong PGPASSWORD', 'db-backup', ['--env', 'local_dev'], {
      ...env,
      PGPASSWORD: `x${PW}`,
    });
    expect(wrong.code).toBe(1);
    // a password in ?password= travels through PGPASSWORD too
    const q = await run('db:dump ?password=', 'db-dump', ['--env', 'local_dev'], {
      DATABASE_URL_LOCAL_DEV: `postgres://postgres@127.0.0.1:${prod.port}/scratch?password=${PW}`,
    });
    expect(q.code, q.stderr).toBe(0);
    const argv = readFileSync(argvLog, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => !l.endsWith(' --version') && !l.includes(' --list ')); // no connection
    expect(argv.filter((l) => /^(pg_dump|pg_restore) /.test(l)).length).toBeGreaterThanOrEqual(3);
    for (const line of argv) {
      expect(line).not.toContain(PW);
      expect(line).toMatch(/host='127\.0\.0\.1' port='\d+' dbname='scratch' user='postgres'/);
    }
    for (const line of argv.filter((l) => /^(pg_dump|pg_restore) /.test(l))) expect(line).toContain('--no-password');
  }, 300_000);

  it('init-from-snapshot runs the file with backslash commands disabled: \\connect cannot reach another database', async () => {
    const evil = path.join(tmp, 'connect.sql');
    writeFileSync(evil, 'create table here (x int);\n\\connect warehouse\ndrop table guard_marker;\n');
    const r = await run(
      'init-from-snapshot with \\connect',
      'db-init-from-snapshot',
      ['--env', 'local_dev', '--file', evil],
      {
        DATABASE_URL_LOCAL_DEV: `postgres://postgres:${PW}@127.0.0.1:${prod.port}/blank`,
      },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('restricted');
    expect(await markerIntact()).toBe(true);
    // one transaction: nothing of the file stayed in blank either
    expect(
      await withClient(prod.url('blank'), async (c) => (await c.query("select to_regclass('here') as t")).rows[0].t),
    ).toBeNull();
  }, 120_000);

  it('a tool whose libpq reading differs from the identity the guard judged is refused before it runs (E_TARGET_CHANGED, exit 2)', async () => {
    const judged = await readIdentity(prod.url('other'));
    const err = await restoreDatabase({
      env: { name: 'local_dev' } as never,
      url: prod.url('scratch'),
      file: backupFile,
      judged,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).code).toBe('E_TARGET_CHANGED');
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toContain(`oid ${judged.databaseOid}`);
  });

  it('no output of any command above contains a password', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const o of outputs) for (const pw of Object.values(ROLES)) expect(o.text, o.what).not.toContain(pw);
  });
});

describe('scrub', () => {
  it('removes a password in every form a tool could echo it, whatever its source', () => {
    const pw = 'p@ss w/rd';
    const text = `failed: p@ss w/rd; ${encodeURIComponent(pw)}; PGPASSWORD=${pw}; postgres://u:${encodeURIComponent(pw)}@h/db`;
    for (const out of [
      scrub(text, `postgres://u:${encodeURIComponent(pw)}@h/db`),
      scrub(text, `postgres://u@h/db?password=${encodeURIComponent(pw)}`),
      scrub(text, 'postgres://u@h/db', { PGPASSWORD: pw }),
    ]) {
      expect(out).not.toContain('p@ss');
      expect(out).not.toContain('w/rd');
      expect(out).not.toContain('w%2Frd');
    }
  });
});
