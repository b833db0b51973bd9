import { describe, expect, it } from 'vitest';
import { parseHeaders, splitStatements } from '../src/migrator/index.ts';

describe('splitStatements (for -- migrate:no-transaction files)', () => {
  it('splits on top-level semicolons only', () => {
    const sql = [
      "-- header; with a semicolon",
      "create index concurrently a on t (x) where s <> 'a;b' and e = E'it\\'s;';",
      '/* block; /* nested; */ still comment; */',
      'create function f() returns int language sql as $fn$ select 1; $fn$;',
      'do $$ begin perform 1; end $$;',
      'select "we;ird" from t;',
      'select $1',
    ].join('\n');
    expect(splitStatements(sql).map((s) => s.text)).toEqual([
      "-- header; with a semicolon\ncreate index concurrently a on t (x) where s <> 'a;b' and e = E'it\\'s;';",
      '/* block; /* nested; */ still comment; */\ncreate function f() returns int language sql as $fn$ select 1; $fn$;',
      'do $$ begin perform 1; end $$;',
      'select "we;ird" from t;',
      'select $1',
    ]);
  });

  it('drops empty pieces and keeps offsets into the file', () => {
    const sql = 'select 1;;\n\n  select 2; -- done\n';
    const parts = splitStatements(sql);
    expect(parts.map((p) => p.text)).toEqual(['select 1;', 'select 2;']);
    expect(sql.slice(parts[1]!.offset).startsWith('select 2')).toBe(true);
  });
});

describe('parseHeaders', () => {
  it('reads headers only before the first statement', () => {
    expect(parseHeaders('-- migrate:no-transaction\n\n-- requires: mart.a, ref.b ,\nselect 1;\n-- requires: x.y\n')).toEqual({
      noTransaction: true,
      requires: ['mart.a', 'ref.b'],
    });
    expect(parseHeaders('select 1;\n-- migrate:no-transaction\n')).toEqual({ noTransaction: false, requires: [] });
  });
});
