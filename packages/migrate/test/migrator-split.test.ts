import { describe, expect, it } from 'vitest';
import { parseDuration, parseHeaders, splitStatements } from '../src/index.ts';
import { parseSql, SqlParseError } from '../src/sql/index.ts';

describe('splitStatements (PostgreSQL parser, for -- migrate:no-transaction files)', () => {
  it('splits on top-level semicolons only', async () => {
    const sql = [
      '-- header; with a semicolon',
      "create index concurrently a on t (x) where s <> 'a;b' and e = E'it\\'s;';",
      '/* block; /* nested; */ still comment; */',
      'create function f() returns int language sql as $fn$ select 1; $fn$;',
      'do $$ begin perform 1; end $$;',
      'select "we;ird" from t;',
      'create function g() returns int language sql begin atomic select 1; select 2; end;',
      'create procedure p() language sql begin atomic insert into t values (1); insert into t values (2); end;',
      'select 3',
    ].join('\n');
    expect((await splitStatements(sql)).map((s) => s.text)).toEqual([
      "create index concurrently a on t (x) where s <> 'a;b' and e = E'it\\'s;'",
      'create function f() returns int language sql as $fn$ select 1; $fn$',
      'do $$ begin perform 1; end $$',
      'select "we;ird" from t',
      'create function g() returns int language sql begin atomic select 1; select 2; end',
      'create procedure p() language sql begin atomic insert into t values (1); insert into t values (2); end',
      'select 3',
    ]);
  });

  it('drops empty pieces and keeps offsets and lines into the file, also after multi-byte text', async () => {
    const sql = "-- 日本語のコメント\nselect 1;;\n\n  select 'é'; -- done\n";
    const parts = await parseSql(sql);
    expect(parts.map((p) => p.text)).toEqual(['select 1', "select 'é'"]);
    expect(sql.slice(parts[1]!.offset).startsWith("select 'é'")).toBe(true);
    expect(parts.map((p) => p.line)).toEqual([2, 4]);
    expect(parts[0]!.leadingComments).toEqual([{ text: '日本語のコメント', line: 1 }]);
  });

  it('names the line and column of a syntax error', async () => {
    const err = await parseSql('select 1;\n\ncreate tabel x (a int);', 'm/migration.sql').catch((e) => e);
    expect(err).toBeInstanceOf(SqlParseError);
    expect(err.code).toBe('E_SQL_PARSE');
    expect(err.info).toMatchObject({ line: 3, column: 8 });
    expect(err.message).toContain('m/migration.sql line 3, column 8');
  });
});

describe('parseHeaders', () => {
  it('reads headers only before the first statement', () => {
    expect(
      parseHeaders('-- migrate:no-transaction\n\n-- requires: mart.a, ref.b ,\nselect 1;\n-- requires: x.y\n'),
    ).toEqual({
      noTransaction: true,
      requires: ['mart.a', 'ref.b'],
    });
    expect(parseHeaders('select 1;\n-- migrate:no-transaction\n')).toEqual({ noTransaction: false, requires: [] });
  });

  it('reads timeout headers and refuses a value that is not a duration', () => {
    expect(parseHeaders('-- migrate:ddl-lock-timeout 30s\n-- migrate:statement-timeout 10min\nselect 1;')).toEqual({
      noTransaction: false,
      requires: [],
      ddlLockTimeoutMs: 30_000,
      statementTimeoutMs: 600_000,
    });
    expect(() => parseHeaders('-- migrate:ddl-lock-timeout soon\nselect 1;', 'x/migration.sql')).toThrow(
      /x\/migration.sql: header `-- migrate:ddl-lock-timeout soon` is not a duration/,
    );
    expect([
      parseDuration('250ms'),
      parseDuration('2'),
      parseDuration('1h'),
      parseDuration('0'),
      parseDuration('5 weeks'),
    ]).toEqual([250, 2, 3_600_000, 0, undefined]);
  });
});
