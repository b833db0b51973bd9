import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintDir, lintSql, RULES } from '../src/lint/index.ts';
import { migrationsDir } from './migrator-helpers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = (kind: 'bad' | 'good') =>
  readdirSync(path.join(here, 'fixtures/lint', kind))
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ name: f, sql: readFileSync(path.join(here, 'fixtures/lint', kind, f), 'utf8') }));

/** `-- expect: rule@line, …` on the first line of a bad fixture. */
function expected(sql: string): string[] {
  const m = /^-- expect: (.*)$/m.exec(sql);
  if (!m) throw new Error('bad fixture without an `-- expect:` line');
  return m[1]!
    .split(',')
    .map((s) => s.trim())
    .sort();
}

describe('db:lint rules on the fixture corpus', () => {
  const bad = fixtures('bad');
  const good = fixtures('good');

  it('has at least 20 bad and 20 good files', () => {
    expect(bad.length).toBeGreaterThanOrEqual(20);
    expect(good.length).toBeGreaterThanOrEqual(20);
  });

  it.each(bad.map((f) => [f.name, f.sql]))('bad/%s: exactly the expected findings', async (name, sql) => {
    const findings = await lintSql(sql, { file: name, hasDown: true });
    expect(findings.map((f) => `${f.rule}@${f.line}`).sort()).toEqual(expected(sql));
    for (const f of findings) {
      expect(f.file).toBe(name);
      expect(f.severity).toBe(RULES[f.rule].severity);
      expect(f.why.length).toBeGreaterThan(10);
      expect(f.fix.length).toBeGreaterThan(10);
    }
  });

  it.each(good.map((f) => [f.name, f.sql]))(
    'good/%s: no finding (not in strings, comments, $$ or BEGIN ATOMIC bodies)',
    async (name, sql) => {
      expect(await lintSql(sql, { file: name, hasDown: true })).toEqual([]);
    },
  );

  it('every rule fires on some bad fixture (missing-down-sql needs a folder: below)', async () => {
    const fired = new Set(bad.flatMap((f) => expected(f.sql).map((e) => e.split('@')[0])));
    expect(Object.keys(RULES).filter((r) => r !== 'missing-down-sql' && !fired.has(r))).toEqual([]);
  });
});

describe('lintDir', () => {
  it("passes the project's migrations with no error", async () => {
    const r = await lintDir();
    expect(r.files).toBeGreaterThan(10);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.errors).toBe(0);
  });

  it('reports a migration without down.sql, and errors with file and line', async () => {
    const dir = migrationsDir({
      '20250101000000_a': { up: 'create table s.a (id int);\n', down: 'drop table s.a;\n' },
      '20250102000000_b': 'create table s.b (id int);\n\ndrop view s.v cascade;\n',
    });
    const r = await lintDir(dir);
    expect(r.findings.map((f) => `${f.file}:${f.line} ${f.severity} ${f.rule}`)).toEqual([
      '20250102000000_b/migration.sql:1 warning missing-down-sql',
      '20250102000000_b/migration.sql:3 error drop-cascade',
    ]);
    expect([r.errors, r.warnings]).toEqual([1, 1]);
  });

  it('reports session changes and transaction control in a no-transaction file as errors, with the rule and the fix', async () => {
    const dir = migrationsDir({
      '20250101000000_role': { up: 'create table s.a (id int);\nSET ROLE "Owner";\n', down: 'drop table s.a;\n' },
      '20250102000000_nt': {
        up: '-- migrate:no-transaction\nBEGIN;\ncreate table s.b (id int);\n',
        down: 'drop table s.b;\n',
      },
      '20250103000000_do': {
        up: "do $$ begin perform set_config('session_replication_role', 'replica', false); end $$;\n",
        down: 'select 1;\n',
      },
      '20250104000000_ok': {
        up: "SET LOCAL ROLE \"Owner\";\nSELECT set_config('x.y', 'z', true);\n",
        down: 'select 1;\n',
      },
    });
    const r = await lintDir(dir);
    expect(r.findings.map((f) => `${f.file}:${f.line} ${f.severity} ${f.rule} ${f.message}`)).toEqual([
      '20250101000000_role/migration.sql:2 error session-setting SET ROLE (`SET ROLE "Owner"`)',
      '20250102000000_nt/migration.sql:2 error transaction-control-in-no-transaction BEGIN in a no-transaction migration',
      "20250103000000_do/migration.sql:1 error session-setting set_config('session_replication_role', …, is_local not true) (`SELECT set_config('session_replication_role', 'replica', fal…` inside DO)",
    ]);
    expect(r.errors).toBe(3);
    expect(r.findings[0]!.fix).toContain('SET LOCAL');
    expect(r.findings[1]!.fix).toContain('transactional migration of their own');
  });
});
