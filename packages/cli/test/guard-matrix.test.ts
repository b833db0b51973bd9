import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '@warehouse/db';
import { createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { runScript } from './run-script.ts';

/**
 * Every destructive command × env kind × guard flags, run as users run them (subprocesses, no
 * TTY), against real databases: the exit code, and a marker table proving that a refused command
 * touched nothing (and that an allowed one really did its work).
 */

const tmp = mkdtempSync(path.join(os.tmpdir(), 'guard-matrix-'));
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
const backupDir = path.join(tmp, 'backups');
const snapshotFile = path.join(tmp, 'snapshot.sql');
writeFileSync(snapshotFile, 'CREATE SCHEMA snapmark;\nCREATE TABLE snapmark.t (id int);\n');

type Kind = 'local_dev' | 'vm_stg' | 'vm_prod';
const KINDS: Kind[] = ['local_dev', 'vm_stg', 'vm_prod'];

interface Variant {
  name: string;
  args: (env: Kind) => string[];
  vars?: Record<string, string>;
}
const VARIANTS: Variant[] = [
  { name: 'no flag', args: () => [] },
  { name: '--yes', args: () => ['--yes'] },
  { name: '--force', args: () => ['--force'] },
  { name: 'FORCE=1', args: () => [], vars: { FORCE: '1' } },
  { name: '--confirm', args: (e) => ['--confirm', e] },
  { name: '--force --confirm', args: (e) => ['--force', '--confirm', e] },
  { name: 'FORCE=1 --confirm', args: (e) => ['--confirm', e], vars: { FORCE: '1' } },
];

/** Expected exit code: protected needs force AND the confirmation (no TTY here); others go ahead. */
function expected(kind: Kind, v: Variant): number {
  if (kind !== 'vm_prod') return 0;
  const forced = v.name.includes('force') || v.name.includes('FORCE');
  const confirmed = v.name.includes('confirm');
  return forced && confirmed ? 0 : 2;
}

let adminUrl: string;
let backupFile: string;

interface Command {
  script: string;
  args: (env: Kind) => string[];
  /** True when the command's effect is visible in the database. */
  didWork: (c: pg.Client) => Promise<boolean>;
}

const COMMANDS: Command[] = [
  {
    script: 'db-reset',
    args: (e) => ['--env', e, '--method', 'db'],
    didWork: async (c) => (await c.query("select to_regclass('public.guard_marker') as t")).rows[0].t === null,
  },
  {
    script: 'db-restore',
    args: (e) => ['--env', e, '--file', backupFile],
    didWork: async (c) => (await c.query("select to_regclass('public.restored_mark') as t")).rows[0].t !== null,
  },
  {
    script: 'db-init-from-snapshot',
    args: (e) => ['--env', e, '--file', snapshotFile],
    didWork: async (c) =>
      (await c.query("select count(*)::int as n from pg_namespace where nspname = 'snapmark'")).rows[0].n === 1,
  },
];

/**
 * The marked database every case starts from, made once; each case gets a copy of it
 * (`createTestDatabase` with it as the template: a file copy, no connection to the copy needed).
 */
let markedTemplate: TestDatabase;
/** The databases made for the cases, dropped at the end. */
const dbs: TestDatabase[] = [];

async function markedDatabase(): Promise<string> {
  const db = await createTestDatabase(adminUrl, { template: markedTemplate.name, prefix: 'guard' });
  dbs.push(db);
  return db.url;
}

async function markerIntact(c: pg.Client): Promise<boolean> {
  if ((await c.query("select to_regclass('public.guard_marker') as t")).rows[0].t === null) return false;
  return (await c.query('select note from guard_marker')).rows.map((r) => r.note).join() === 'untouched';
}

beforeAll(async () => {
  adminUrl = inject('pgAdminUrl');
  markedTemplate = await createTestDatabase(adminUrl, { prefix: 'guard_tpl' });
  await withClient(markedTemplate.url, (c) =>
    c.query("create table guard_marker (note text); insert into guard_marker values ('untouched')"),
  );
  // The backup db:restore restores: one table that the marked databases do not have.
  const src = await createTestDatabase(adminUrl, { prefix: 'guard_src' });
  await withClient(src.url, (c) =>
    c.query('create table restored_mark (id int); insert into restored_mark values (1)'),
  );
  backupFile = path.join(tmp, 'restore-me.dump');
  const u = new URL(src.url);
  const password = u.password;
  u.password = '';
  execFileSync('pg_dump', ['-Fc', '--file', backupFile, '--dbname', u.toString()], {
    env: { ...process.env, PGPASSWORD: password },
  });
  await src.drop();
});

afterAll(async () => {
  for (const db of dbs) await db.drop();
  await markedTemplate?.drop();
});

/** Run `fn` over `items`, `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) await fn(t);
    }),
  );
}

describe('guard matrix: command × env kind × flags', () => {
  for (const command of COMMANDS) {
    it(`${command.script}: exit codes and marker for ${KINDS.length} env kinds × ${VARIANTS.length} flag sets`, async () => {
      const cases = KINDS.flatMap((kind) => VARIANTS.map((v) => ({ kind, v })));
      const rows: {
        kind: Kind;
        variant: string;
        code: number | null;
        expected: number;
        marker: boolean;
        didWork: boolean;
        stderr: string;
        backups: number;
      }[] = [];
      // A refused case must leave its database exactly as it found it, and the checks after it
      // prove that it did (marker intact, no work done): so this command's refused cases share one
      // marked database, each starting from the state the one before it was checked to leave.
      // An allowed case changes its database and gets its own.
      let refusedDb: string | undefined;
      // One at a time: `runScript` runs a command in-process only when no other is running.
      await pool(cases, 1, async ({ kind, v }) => {
        const url = expected(kind, v) === 2 ? (refusedDb ??= await markedDatabase()) : await markedDatabase();
        const caseBackups = path.join(backupDir, `${command.script}-${kind}-${v.name.replace(/\W+/g, '_')}`);
        const r = await runScript(command.script, [...command.args(kind), ...v.args(kind)], {
          WAREHOUSE_ENV_FILE: registryFile,
          WAREHOUSE_COUNTDOWN_SECONDS: '0',
          WAREHOUSE_BACKUP_DIR: caseBackups,
          DATABASE_URL_LOCAL_DEV: kind === 'local_dev' ? url : undefined,
          DATABASE_URL_VM_STG: kind === 'vm_stg' ? url : undefined,
          DATABASE_URL_VM_PROD: kind === 'vm_prod' ? url : undefined,
          FORCE: undefined,
          ...v.vars,
        });
        const backups = existsSync(path.join(caseBackups, kind))
          ? readdirSync(path.join(caseBackups, kind)).filter((f) => f.endsWith('.dump')).length
          : 0;
        // Both checks through one connection.
        const seen = await withClient(url, async (c) => ({
          marker: await markerIntact(c),
          didWork: await command.didWork(c),
        }));
        rows.push({
          kind,
          variant: v.name,
          code: r.code,
          expected: expected(kind, v),
          ...seen,
          stderr: r.stderr,
          backups,
        });
      });
      for (const row of rows) {
        const label = `${command.script} --env ${row.kind} [${row.variant}]\n${row.stderr}`;
        expect(row.code, label).toBe(row.expected);
        if (row.expected === 2) {
          // Refused: nothing touched, no backup taken, and the reason is on stderr.
          expect(row.marker, label).toBe(true);
          expect(row.didWork, label).toBe(false);
          expect(row.backups, label).toBe(0);
          expect(row.stderr, label).toMatch(/E_ENV_PROTECTED|E_GUARD_REFUSED/);
          if (row.variant === 'no flag') expect(row.stderr, label).toContain('REFUSED');
        } else {
          expect(row.didWork, label).toBe(true);
          // Production is backed up before anything changes; other envs are not.
          expect(row.backups, label).toBe(row.kind === 'vm_prod' ? 1 : 0);
        }
        expect(row.stderr, label).not.toContain(':postgres@');
        if (row.kind === 'vm_stg' && row.variant === '--yes')
          expect(row.stderr, label).toContain('countdown skipped by --yes');
      }
      expect(rows.length).toBe(KINDS.length * VARIANTS.length);
    }, 600_000); // 21 subprocesses, each now also reading the target's identity; CI boxes are shared
  }

  it('target check: an unprotected env whose URL is the protected database is refused (exit 2) and nothing is touched', async () => {
    const prod = await markedDatabase();
    // Same server and database, spelt differently (localhost vs 127.0.0.1, explicit port).
    const copied = prod.replace('127.0.0.1', 'localhost');
    for (const [env, variable] of [
      ['vm_stg', 'DATABASE_URL_VM_STG'],
      ['local_dev', 'DATABASE_URL_LOCAL_DEV'],
    ] as const) {
      const r = await runScript('db-reset', ['--env', env, '--method', 'db', '--yes'], {
        WAREHOUSE_ENV_FILE: registryFile,
        WAREHOUSE_COUNTDOWN_SECONDS: '0',
        DATABASE_URL_VM_PROD: prod,
        [variable]: copied,
      });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('E_TARGET_PROTECTED');
      expect(r.stderr).toContain('protected environment vm_prod');
      expect(r.stderr).not.toContain(':postgres@');
      expect(await withClient(prod, markerIntact)).toBe(true);
    }
  });
});
