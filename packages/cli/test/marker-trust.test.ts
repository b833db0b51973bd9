import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANCHOR_PREFIX,
  getEnvironment,
  loadRegistry,
  readIdentity,
  sameDatabase,
  type DatabaseIdentity,
} from '@warehouse/env';
import { ident, withClient } from '@warehouse/db';
import { GuardRefusal } from '@warehouse/command';
import { guardDestructive, type GuardIo } from '../src/guard.ts';
import { resetByDropCreate } from '../src/ops/reset.ts';
import { runScript } from './run-script.ts';
import { startProdCluster, type ProdCluster } from './prod-cluster.ts';
import { startPhysicalCopy, type PhysicalCopy } from './physical-copy.ts';

/**
 * The marker cannot be spoofed or edited from inside the database by anyone below its owner, and
 * a physical copy becomes a staging database only through db:mark-copy.
 *
 * One real "production" cluster (prod-cluster.ts) holds:
 * - `insider`: owned by a NON-superuser `owner_app`, marked vm_prod by `pnpm db:protect` run as
 *   owner_app; role `planter` has CREATE on the database and on schema public (the insider);
 * - `legacy`: marked the old way (the table only, owned by `tabler`, not the database owner);
 * - `warehouse`: marked vm_prod by the superuser, the original of a physical copy (pg_basebackup).
 * Every attempt runs the real guard and, when it lets a reset through, the real DROP DATABASE, so a
 * hole shows as a database that is gone.
 */

const PW = `Pr0dPw${randomBytes(6).toString('hex')}`;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'marker-trust-'));
const registryFile = path.join(tmp, 'environments.json');
writeFileSync(
  registryFile,
  JSON.stringify({
    environments: {
      local_dev: { embedded: { port: 1 } },
      vm_stg: { remote: true },
      vm_prod: { remote: true, protected: true },
    },
  }),
);

let prod: ProdCluster;
let copy: PhysicalCopy | undefined;
const as = (user: string, db: string, query = '') => `postgres://${user}:${PW}@127.0.0.1:${prod.port}/${db}${query}`;
const opts = (o: string) => `?options=${encodeURIComponent(o)}`;

async function exists(db: string): Promise<boolean> {
  return withClient(prod.url('postgres'), async (c) =>
    Boolean((await c.query('select 1 from pg_database where datname = $1', [db])).rowCount),
  );
}

function capture(): GuardIo & { text: () => string } {
  const out: string[] = [];
  return { write: (t) => void out.push(t), sleep: async () => {}, text: () => out.join('') };
}

/** The guard for a reset through `envName`; when it lets the reset through, the real DROP/CREATE runs. */
async function attemptReset(envName: string, url: string, vars: NodeJS.ProcessEnv = {}) {
  const registry = loadRegistry(registryFile);
  const io = capture();
  try {
    const r = await guardDestructive({
      action: 'reset (method db)',
      env: getEnvironment(envName, registry),
      url,
      registry,
      flags: { yes: true },
      vars,
      countdownSeconds: 0,
      io,
    });
    await resetByDropCreate(url, envName, r.identity);
    return { refused: undefined, out: io.text() };
  } catch (error) {
    if (error instanceof GuardRefusal) return { refused: error, out: io.text() };
    throw error;
  }
}

const run = (script: string, args: string[], env: Record<string, string | undefined>) =>
  runScript(script, args, {
    WAREHOUSE_ENV_FILE: registryFile,
    WAREHOUSE_COUNTDOWN_SECONDS: '0',
    FORCE: undefined,
    DATABASE_URL_VM_PROD: undefined,
    PROD_DATABASE_URL: undefined,
    ...env,
  });

let truth: DatabaseIdentity;

beforeAll(async () => {
  prod = await startProdCluster(PW);
  await withClient(prod.url('postgres'), async (c) => {
    for (const r of ['owner_app', 'planter', 'tabler']) await c.query(`create role ${r} login password '${PW}'`);
    await c.query('create database insider owner owner_app');
    await c.query('create database legacy owner owner_app');
    await c.query('create database warehouse');
    await c.query('grant create on database insider to planter');
    await c.query('grant create on database legacy to tabler');
  });
  await withClient(as('owner_app', 'insider'), (c) => c.query('grant create on schema public to planter'));
  const r = await run('db-protect', ['--env', 'vm_prod'], { DATABASE_URL_VM_PROD: as('owner_app', 'insider') });
  if (r.code !== 0) throw new Error(`db:protect as the (non-superuser) database owner failed: ${r.stderr}`);
  truth = await readIdentity(prod.url('insider'));
  const w = await run('db-protect', ['--env', 'vm_prod'], { DATABASE_URL_VM_PROD: prod.url('warehouse') });
  if (w.code !== 0) throw new Error(`db:protect failed: ${w.stderr}`);
}, 180_000);

afterAll(() => {
  copy?.stop();
  prod?.stop();
});

describe('the identity cannot be spoofed from inside the database', () => {
  it('db:protect run by a non-superuser database owner writes both parts; the anchor is a line of the database comment', () => {
    expect(truth.markerState).toBe('here');
    expect(truth.markerSource).toBe('anchor');
    expect(truth.marker?.env).toBe('vm_prod');
    expect(truth.owner).toBe('owner_app');
    expect(truth.comment).toContain(ANCHOR_PREFIX);
  });

  it('planted to_regclass, current_database, pg_control_system, shobj_description, operators, views and tables do not make insider read as unmarked', async () => {
    await withClient(as('planter', 'insider'), async (c) => {
      await c.query(`
        create schema evil;
        create function evil.to_regclass(text) returns regclass language sql as 'select null::regclass';
        create function evil.current_database() returns name language sql as $$select 'scratch'::name$$;
        create function public.current_database() returns name language sql as $$select 'scratch'::name$$;
        create function evil.shobj_description(oid, name) returns text language sql as 'select null::text';
        create function evil.pg_control_system(out pg_control_version int4, out catalog_version_no int4,
          out system_identifier int8, out pg_control_last_modified timestamptz)
          language sql as 'select 1, 1, 42::int8, now()';
        create function evil.inet_server_port() returns int language sql as 'select 1';
        create function evil.never(name, name) returns boolean language sql as 'select false';
        create operator evil.= (leftarg = name, rightarg = name, function = evil.never);
        create operator public.= (leftarg = name, rightarg = name, function = evil.never);
        create function evil.never_text(text, text) returns boolean language sql as 'select false';
        create operator evil.= (leftarg = text, rightarg = text, function = evil.never_text);
        create view evil.pg_database as select * from pg_catalog.pg_database where false;
        create view public.pg_database as select * from pg_catalog.pg_database where false;
        create view evil.pg_class as select * from pg_catalog.pg_class where false;
        create view evil.pg_shdescription as select * from pg_catalog.pg_shdescription where false;
        create table evil.protection (env text, system_identifier text, database_oid oid, database_name text, written_at timestamptz);
        insert into evil.protection values ('vm_prod', '1', 1, 'elsewhere', now());
      `);
      await c.query('alter role planter set search_path = evil, public, pg_catalog');
    });
    const spellings: [string, string][] = [
      ['?options=-c search_path=evil,pg_catalog', as('planter', 'insider', opts('-c search_path=evil,pg_catalog'))],
      ['?options=-c search_path=public,pg_catalog', as('planter', 'insider', opts('-c search_path=public,pg_catalog'))],
      [
        '?options=-c search_path=pg_temp,evil,public,pg_catalog',
        as('planter', 'insider', opts('-c search_path=pg_temp,evil,public,pg_catalog')),
      ],
      ["planter's role default search_path (evil, public, pg_catalog)", as('planter', 'insider')],
      [
        'search_path=evil plus transform_null_equals and a role switch in options',
        as('planter', 'insider', opts('-c search_path=evil,pg_catalog -c transform_null_equals=on -c role=planter')),
      ],
    ];
    // The plants are live: an unpinned, unqualified query on that connection is fooled.
    const fooled = await withClient(spellings[0]![1], async (c) => {
      const r = await c.query(
        "select to_regclass('toolkit.protection') as reg, current_database() as db, (select count(*)::int from pg_database) as dbs, (select system_identifier::text from pg_control_system()) as sysid",
      );
      return r.rows[0] as { reg: string | null; db: string; dbs: number; sysid: string };
    });
    expect(fooled).toEqual({ reg: null, db: 'scratch', dbs: 0, sysid: '42' });
    for (const [label, url] of spellings) {
      const id = await readIdentity(url);
      expect([id.markerState, id.marker?.env, id.database], label).toEqual(['here', 'vm_prod', 'insider']);
      expect(sameDatabase(id, truth), label).toBe(true);
      const r = await attemptReset('local_dev', url);
      // The guard reads a URL with libpq's rules first and refuses any `options` (env/conn.ts), so
      // those spellings never reach the identity read; the role default does, and is pinned.
      if (url.includes('?options='))
        expect([r.refused?.code, r.refused?.message], `${label}\n${r.out}`).toEqual([
          'E_GUARD_REFUSED',
          expect.stringContaining('options'),
        ]);
      else expect(r.refused?.code, `${label}\n${r.out}`).toBe('E_TARGET_PROTECTED');
      expect(await exists('insider'), label).toBe(true);
    }
  });

  it('a role below the database owner cannot write the anchor (COMMENT ON DATABASE is the owner’s)', async () => {
    const err = await withClient(as('planter', 'insider'), (c) =>
      c.query(`comment on database insider is 'nothing here'`).then(
        () => undefined,
        (e: Error & { code?: string }) => e.code,
      ),
    );
    expect(err).toBe('42501');
    expect((await readIdentity(prod.url('insider'))).markerState).toBe('here');
  });
});

describe("the marker table's owner cannot make production read as a copy", () => {
  const edits: [string, string][] = [
    ['UPDATE database_oid = 1', 'update toolkit.protection set database_oid = 1'],
    ['UPDATE system_identifier and env', "update toolkit.protection set system_identifier = '1', env = 'local_dev'"],
    ['DELETE', 'delete from toolkit.protection'],
    ['TRUNCATE', 'truncate toolkit.protection'],
    [
      'DROP TABLE + recreate naming another database',
      `drop table toolkit.protection;
       create table toolkit.protection (one boolean primary key default true, env text, system_identifier text,
         database_oid oid, database_name text, written_at timestamptz default now(), written_by text default current_user);
       insert into toolkit.protection (env, system_identifier, database_oid, database_name) values ('vm_prod', '1', 1, 'elsewhere')`,
    ],
    ['ALTER TABLE RENAME', 'alter table toolkit.protection rename to protection_old'],
    ['ALTER SCHEMA RENAME', 'alter schema toolkit rename to toolkit_old'],
    ['DROP SCHEMA CASCADE', 'drop schema toolkit cascade'],
  ];

  it.each(edits)('%s by the owner (a non-superuser) leaves insider protected', async (_label, sql) => {
    await withClient(as('owner_app', 'insider'), (c) => c.query(sql));
    const id = await readIdentity(as('owner_app', 'insider'));
    expect([id.markerState, id.marker?.env]).toEqual(['here', 'vm_prod']);
    const r = await attemptReset('vm_stg', prod.url('insider'));
    expect(r.refused?.code, r.out).toBe('E_TARGET_PROTECTED');
    expect(await exists('insider')).toBe(true);
    // db:protect repairs the table part (as the database owner); the schema may have been renamed away.
    await withClient(prod.url('insider'), (c) =>
      c.query('drop schema if exists toolkit_old cascade; drop schema if exists toolkit cascade'),
    );
    const again = await run('db-protect', ['--env', 'vm_prod'], { DATABASE_URL_VM_PROD: as('owner_app', 'insider') });
    expect(again.code, again.stderr).toBe(0);
  });

  it('an old table-only marker owned by a role below the database owner: an edit reads as untrusted, which the guard refuses; db:protect adds the anchor', async () => {
    const legacyId = await readIdentity(prod.url('legacy'));
    await withClient(as('tabler', 'legacy'), async (c) => {
      await c.query(
        `create schema toolkit;
         create table toolkit.protection (one boolean primary key default true check (one), env text not null,
           system_identifier text not null, database_oid oid not null, database_name text not null,
           written_at timestamptz not null default now(), written_by text not null default current_user);
         grant usage on schema toolkit to public; grant select on toolkit.protection to public`,
      );
      await c.query(
        `insert into toolkit.protection (env, system_identifier, database_oid, database_name) values ('vm_prod', $1, $2, 'legacy')`,
        [legacyId.systemIdentifier, legacyId.databaseOid],
      );
    });
    const before = await readIdentity(prod.url('legacy'));
    expect([before.markerState, before.markerSource]).toEqual(['here', 'table']);
    await withClient(as('tabler', 'legacy'), (c) => c.query('update toolkit.protection set database_oid = 1'));
    const edited = await readIdentity(prod.url('legacy'));
    expect(edited.markerState).toBe('untrusted');
    expect(edited.markerProblem).toContain('owned by tabler, not by the database owner owner_app');
    const r = await attemptReset('vm_stg', prod.url('legacy'));
    expect(r.refused?.code, r.out).toBe('E_TARGET_PROTECTED');
    expect(r.refused?.message).toContain('cannot be trusted');
    expect(await exists('legacy')).toBe(true);
    // The untrusted row's env name is not believed either: the confirmation asked for is vm_prod's.
    await withClient(as('tabler', 'legacy'), (c) => c.query("update toolkit.protection set env = 'local_dev'"));
    const renamed = await attemptReset('local_dev', prod.url('legacy'));
    expect(renamed.refused?.code, renamed.out).toBe('E_TARGET_PROTECTED');
    expect(renamed.refused?.message).toContain('--confirm vm_prod');
    expect(await exists('legacy')).toBe(true);
    // The database owner re-runs db:protect: the anchor decides from now on (the table it cannot write is reported).
    const p = await run('db-protect', ['--env', 'vm_prod'], { DATABASE_URL_VM_PROD: as('owner_app', 'legacy') });
    expect(p.code, p.stderr).toBe(0);
    expect(p.stderr).toContain('toolkit.protection was not written');
    const after = await readIdentity(prod.url('legacy'));
    expect([after.markerState, after.markerSource]).toEqual(['here', 'anchor']);
  });

  it('db:protect by a role that is not the database owner writes the table part only and exits 1 saying who can finish it', async () => {
    await withClient(prod.url('postgres'), (c) => c.query('create database stray owner owner_app'));
    await withClient(prod.url('stray'), (c) => c.query('grant create on database stray to tabler'));
    const r = await run('db-protect', ['--env', 'vm_prod'], { DATABASE_URL_VM_PROD: as('tabler', 'stray') });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('only the database owner (owner_app) or a superuser');
    const id = await readIdentity(prod.url('stray'));
    expect([id.markerState, id.markerSource]).toEqual(['here', 'table']);
  });
});

describe('a physical copy of production becomes staging only through db:mark-copy', () => {
  let prodId: DatabaseIdentity;
  beforeAll(async () => {
    prodId = await readIdentity(prod.url('warehouse'));
    copy = await startPhysicalCopy(prod);
  }, 180_000);

  it('db:mark-copy --help says what it refuses (exit 0)', async () => {
    const h = await run('db-mark-copy', ['--help'], {});
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Usage: pnpm db:mark-copy');
    expect(h.stdout).toContain('advisory-lock probe');
  });

  it('the copy is indistinguishable from production: same identity, same marker, refused', async () => {
    const id = await readIdentity(copy!.url('warehouse'));
    expect(sameDatabase(id, prodId)).toBe(true);
    expect([id.markerState, id.marker?.env]).toEqual(['here', 'vm_prod']);
    const r = await attemptReset('vm_stg', copy!.url('warehouse'));
    expect(r.refused?.code).toBe('E_TARGET_PROTECTED');
  });

  it('refused (exit 2): on vm_prod, on production itself through vm_stg, without the original reachable, without --force', async () => {
    const prodSpelt = prod.url('warehouse').replace('@127.0.0.1:', '@localhost:');
    const cases: [string, string[], Record<string, string | undefined>, string][] = [
      [
        '--env vm_prod',
        ['--env', 'vm_prod', '--force', '--confirm', 'vm_prod'],
        { DATABASE_URL_VM_PROD: prod.url('warehouse') },
        'E_ENV_PROTECTED',
      ],
      [
        'vm_stg pointing at production itself',
        ['--env', 'vm_stg', '--force', '--confirm', 'vm_prod'],
        { DATABASE_URL_VM_STG: prodSpelt, DATABASE_URL_VM_PROD: prod.url('warehouse') },
        'vm_prod itself',
      ],
      [
        'production URL not set',
        ['--env', 'vm_stg', '--force', '--confirm', 'vm_prod'],
        { DATABASE_URL_VM_STG: copy!.url('warehouse') },
        'DATABASE_URL_VM_PROD',
      ],
      [
        'production URL reaching another database',
        ['--env', 'vm_stg', '--force', '--confirm', 'vm_prod'],
        { DATABASE_URL_VM_STG: copy!.url('warehouse'), DATABASE_URL_VM_PROD: prod.url('insider') },
        'not the identity',
      ],
      [
        'no --force',
        ['--env', 'vm_stg', '--yes'],
        { DATABASE_URL_VM_STG: copy!.url('warehouse'), DATABASE_URL_VM_PROD: prod.url('warehouse') },
        'E_TARGET_PROTECTED',
      ],
      [
        'wrong --confirm',
        ['--env', 'vm_stg', '--force', '--confirm', 'vm_stg'],
        { DATABASE_URL_VM_STG: copy!.url('warehouse'), DATABASE_URL_VM_PROD: prod.url('warehouse') },
        'E_GUARD_REFUSED',
      ],
    ];
    for (const [label, args, env, text] of cases) {
      const r = await run('db-mark-copy', args, env);
      expect(r.code, `${label}\n${r.stderr}`).toBe(2);
      expect(r.stderr, label).toContain(text);
      expect(r.stderr, label).not.toContain(PW);
    }
    for (const url of [prod.url('warehouse'), copy!.url('warehouse')]) {
      const id = await readIdentity(url);
      expect([id.markerState, id.released]).toEqual(['here', undefined]);
    }
  });

  it('with --force and the typed name it releases the copy, records what it did, and leaves production protected', async () => {
    const env = { DATABASE_URL_VM_STG: copy!.url('warehouse'), DATABASE_URL_VM_PROD: prod.url('warehouse') };
    const r = await run('db-mark-copy', ['--env', 'vm_stg', '--force', '--confirm', 'vm_prod', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      changed: boolean;
      markerState: string;
      released: { env: string; nonce: string; released_by: string };
    };
    expect(out).toMatchObject({ changed: true, markerState: 'copy', released: { env: 'vm_stg' } });
    const id = await readIdentity(copy!.url('warehouse'));
    expect([id.markerState, id.released?.env, id.released?.nonce]).toEqual(['copy', 'vm_stg', out.released.nonce]);
    expect(id.comment).toContain('"kind":"released-copy"');
    expect(id.comment).toContain(out.released.released_by);
    expect((await readIdentity(prod.url('warehouse'))).markerState).toBe('here');
    // Again: nothing to do.
    const again = await run('db-mark-copy', ['--env', 'vm_stg'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('already a copy of vm_prod');
    // Production is still refused through vm_stg; the released copy resets under vm_stg's rules,
    // also with production's URL configured (same identity, told apart by the release).
    const onProd = await attemptReset('vm_stg', prod.url('warehouse'), { DATABASE_URL_VM_PROD: prod.url('warehouse') });
    expect(onProd.refused?.code).toBe('E_TARGET_PROTECTED');
    const onCopy = await attemptReset('vm_stg', copy!.url('warehouse'), {
      DATABASE_URL_VM_PROD: prod.url('warehouse'),
    });
    expect(onCopy.refused, onCopy.out).toBeUndefined();
    expect(onCopy.out).toContain('released for vm_stg');
    expect(await exists('warehouse')).toBe(true);
    const reset = await readIdentity(copy!.url('warehouse'));
    expect(reset.markerState).toBe('none');
  });
});

describe('the reset re-check on the maintenance database cannot be answered by planted objects', () => {
  it('an empty evil.pg_database view in database postgres, put first by the role default search_path, does not stop (or steer) a reset of an unmarked database; put first by ?options, the URL is refused', async () => {
    await withClient(prod.url('postgres'), async (c) => {
      await c.query('create database scratchdb');
      await c.query(
        'create schema evil; create view evil.pg_database as select * from pg_catalog.pg_database where false',
      );
    });
    const url = prod.url('scratchdb');
    const withOptions = `${url}${opts('-c search_path=evil,pg_catalog')}`;
    const refused = await attemptReset('local_dev', withOptions);
    expect([refused.refused?.code, refused.refused?.message], refused.out).toEqual([
      'E_GUARD_REFUSED',
      expect.stringContaining('options'),
    ]);
    // The same plant through what libpq cannot show in a URL: the role's default in database postgres.
    await withClient(prod.url('postgres'), (c) =>
      c.query('alter role postgres in database postgres set search_path = evil, pg_catalog'),
    );
    try {
      // The plant is live for an unpinned query on that connection.
      const seen = await withClient(prod.url('postgres'), async (c) =>
        Number((await c.query('select count(*) as n from pg_database')).rows[0].n),
      );
      expect(seen).toBe(0);
      const before = await readIdentity(url);
      const r = await attemptReset('local_dev', url);
      expect(r.refused, r.out).toBeUndefined();
      const after = await readIdentity(url);
      expect(after.databaseOid).not.toBe(before.databaseOid);
    } finally {
      await withClient(prod.url('postgres'), (c) =>
        c.query('alter role postgres in database postgres reset search_path'),
      );
    }
  });
});

describe('identity reads name the database by its quoted name', () => {
  it('a database whose name needs quoting is marked and read', async () => {
    const name = 'Odd "name"';
    await withClient(prod.url('postgres'), (c) => c.query(`create database ${ident(name)} owner owner_app`));
    const url = `postgres://owner_app:${PW}@127.0.0.1:${prod.port}/${encodeURIComponent(name)}`;
    const r = await run('db-protect', ['--env', 'vm_prod'], { DATABASE_URL_VM_PROD: url });
    expect(r.code, r.stderr).toBe(0);
    expect((await readIdentity(url)).markerState).toBe('here');
  });
});
