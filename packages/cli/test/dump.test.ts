import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '@warehouse/db';
import { migrate } from '@warehouse/migrate';
import { createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { dumpLocal, normaliseDump, unifiedDiff } from '../src/ops/dump.ts';
import { pgConn } from '../src/ops/tools.ts';
import { runScript, writeRegistry } from './run-script.ts';

const registryFile = writeRegistry('dump-test-', { env_a: { remote: false }, env_b: { remote: false } });

let a: TestDatabase;
let b: TestDatabase;

beforeAll(async () => {
  const admin = inject('pgAdminUrl');
  // Two databases migrated independently from empty (not cloned): equal schemas, different OIDs.
  [a, b] = await Promise.all([
    createTestDatabase(admin, { prefix: 'dump_a' }),
    createTestDatabase(admin, { prefix: 'dump_b' }),
  ]);
  for (const db of [a, b]) {
    const r = await migrate({ url: db.url });
    expect(r.failed).toBeUndefined();
  }
});
afterAll(async () => {
  await Promise.all([a?.drop(), b?.drop()]);
});

const vars = () => ({ WAREHOUSE_ENV_FILE: registryFile, DATABASE_URL_ENV_A: a.url, DATABASE_URL_ENV_B: b.url });

describe('schema dump normalisation', () => {
  it('drops version and timestamp lines and the \\restrict keys, keeps the statements', () => {
    const raw = [
      '--',
      '-- PostgreSQL database dump',
      '--',
      '',
      '\\restrict AbC123',
      '',
      '-- Dumped from database version 15.18',
      '-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)',
      '-- Started on 2026-01-01 00:00:00 UTC',
      '',
      '',
      'CREATE TABLE t (id int);   ',
      '',
      '\\unrestrict AbC123',
      '',
    ].join('\r\n');
    expect(normaliseDump(raw)).toBe('--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE t (id int);\n');
  });

  it('two raw pg_dumps of equal schemas differ, the normalised ones are byte-identical', async () => {
    const raw = (url: string) => {
      const { conn, env } = pgConn(url);
      return execFileSync('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', '--dbname', conn], {
        env,
        encoding: 'utf8',
      });
    };
    // pg_dump 15.14+ writes a random \restrict key per dump: raw dumps never compare equal.
    expect(raw(a.url)).not.toBe(raw(b.url));
    const [da, db] = await Promise.all([dumpLocal(a.url, 'a'), dumpLocal(b.url, 'b')]);
    expect(da).toBe(db);
    expect(da).toContain('CREATE MATERIALIZED VIEW mart.mv_target_card_per_day');
    expect(da).not.toMatch(/\\restrict|Dumped (from|by)|_prisma_migrations/);
  });

  it('pnpm db:dump prints the normalised schema; --help exits 0', async () => {
    const r = await runScript('db-dump', ['--env', 'env_a'], vars());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(await dumpLocal(a.url, 'a'));
    expect(r.stderr).not.toContain(':postgres@');
    expect((await runScript('db-dump', ['--help'])).code).toBe(0);
  });

  it('pnpm db:diff exits 0 for equal schemas and 1 with a unified diff when a view changed', async () => {
    for (const db of [a, b])
      await withClient(db.url, (c) => c.query('create view mart.v_diff_probe as select 1 as changed_column'));
    const same = await runScript('db-diff', ['--from', 'env_a', '--to', 'env_b'], vars());
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toBe('');
    expect(same.stderr).toContain('are identical');
    await withClient(b.url, (c) => c.query('create or replace view mart.v_diff_probe as select 2 as changed_column'));
    const d = await runScript('db-diff', ['--from', 'env_a', '--to', 'env_b'], vars());
    expect(d.code, d.stderr).toBe(1);
    expect(d.stdout).toMatch(/^--- env_a \(schema and privileges\)\n\+\+\+ env_b \(schema and privileges\)\n/);
    expect(d.stdout).toContain('- SELECT 1 AS changed_column;');
    expect(d.stdout).toContain('+ SELECT 2 AS changed_column;');
    const json = await runScript('db-diff', ['--from', 'env_a', '--to', 'env_b', '--json'], vars());
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ from: 'env_a', to: 'env_b', same: false });
    for (const db of [a, b]) await withClient(db.url, (c) => c.query('drop view mart.v_diff_probe'));
  });

  it('db:diff sees grants and default privileges that only one side has; --ignore-privileges and db:dump leave them out', async () => {
    const role = 'diff_probe_reader';
    await withClient(a.url, (c) =>
      c.query(
        `do $$ begin if not exists (select from pg_roles where rolname = '${role}') then create role ${role} nologin; end if; end $$`,
      ),
    );
    try {
      await withClient(b.url, async (c) => {
        await c.query(`grant usage on schema mart to ${role}`);
        await c.query(`grant select on mart.mv_receive_daily to ${role}`);
        await c.query(`alter default privileges in schema mart grant select on tables to ${role}`);
      });
      const d = await runScript('db-diff', ['--from', 'env_a', '--to', 'env_b'], vars());
      expect(d.code, d.stderr).toBe(1);
      expect(d.stdout).toContain(`+GRANT USAGE ON SCHEMA mart TO ${role};`);
      expect(d.stdout).toContain(`+GRANT SELECT ON TABLE mart.mv_receive_daily TO ${role};`);
      expect(d.stdout).toMatch(
        new RegExp(`\\+ALTER DEFAULT PRIVILEGES .*IN SCHEMA mart GRANT SELECT ON TABLES +TO ${role};`),
      );
      const ignored = await runScript('db-diff', ['--from', 'env_a', '--to', 'env_b', '--ignore-privileges'], vars());
      expect(ignored.code, ignored.stdout).toBe(0);
      expect(ignored.stderr).toContain('schemas of env_a and env_b are identical');
      // db:dump (and so db:snapshot) keeps leaving privileges out
      expect(await dumpLocal(b.url, 'b')).not.toContain(role);
      expect(await dumpLocal(b.url, 'b', { privileges: true })).toContain(role);
    } finally {
      await withClient(b.url, async (c) => {
        await c.query(`alter default privileges in schema mart revoke select on tables from ${role}`);
        await c.query(`revoke all on mart.mv_receive_daily from ${role}`);
        await c.query(`revoke usage on schema mart from ${role}`);
      });
      await withClient(a.url, (c) => c.query(`drop role if exists ${role}`));
    }
  });

  it('a changed view definition shows as - and + lines', async () => {
    const before = await dumpLocal(a.url, 'a');
    await withClient(a.url, (c) => c.query('create view mart.v_probe2 as select 1 as x'));
    const mid = await dumpLocal(a.url, 'a');
    await withClient(a.url, (c) => c.query('create or replace view mart.v_probe2 as select 2 as x'));
    const after = await dumpLocal(a.url, 'a');
    const d = await unifiedDiff(mid, after, 'mid', 'after');
    expect(d.same).toBe(false);
    expect(d.diff).toContain('- SELECT 1 AS x;');
    expect(d.diff).toContain('+ SELECT 2 AS x;');
    expect((await unifiedDiff(before, before, 'x', 'y')).same).toBe(true);
    await withClient(a.url, (c) => c.query('drop view mart.v_probe2'));
  });

  it('db:diff with a missing flag exits 1 and says which', async () => {
    const r = await runScript('db-diff', ['--from', 'env_a'], vars());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--to ENV are both required');
  });
});
