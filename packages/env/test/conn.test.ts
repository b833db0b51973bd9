import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ConnRefused, canonicalUrl, libpqConnection, parseConnection } from '../src/index.ts';
import type { DbError } from '@warehouse/db';

/**
 * The connection descriptor reads a URL and the PG* environment as libpq does. Each expectation
 * below is libpq's documented (and, in packages/cli/test/conn-agreement.test.ts, observed) reading.
 */

const home = mkdtempSync(path.join(os.tmpdir(), 'conn-home-'));
const read = (url: string, env: NodeJS.ProcessEnv = {}) =>
  parseConnection(url, { env, osUser: 'osuser', homeDir: home });
const target = (url: string, env: NodeJS.ProcessEnv = {}) => {
  const d = read(url, env);
  return { host: d.host, port: d.port, database: d.database, user: d.user, password: d.password };
};
const refusal = (url: string, env: NodeJS.ProcessEnv = {}) => {
  try {
    read(url, env);
  } catch (error) {
    return error as DbError & { parameter?: string };
  }
  throw new Error(`expected ${url} to be refused`);
};

describe('parseConnection: where libpq connects', () => {
  it.each([
    ['postgres://u:p@h:5433/db', { host: 'h', port: 5433, database: 'db', user: 'u', password: 'p' }],
    ['postgresql://u:p@h/db', { host: 'h', port: 5432, database: 'db', user: 'u', password: 'p' }],
    // ?dbname= wins over the path (libpq applies query parameters last); node-pg ignores it.
    ['postgresql://u:p@127.0.0.1:1/scratch?dbname=warehouse', { host: '127.0.0.1', port: 1, database: 'warehouse' }],
    ['postgres://u@h/a?dbname=b&dbname=c', { database: 'c' }],
    ['postgres://u@h:1/db?port=2&host=other', { host: 'other', port: 2 }],
    ['postgres://u@h/db?user=v&password=q', { user: 'v', password: 'q' }],
    // percent-decoding everywhere, `+` stays a plus
    ['postgres://%75ser:p%40ss%3Aw@h/%77are+house', { user: 'user', password: 'p@ss:w', database: 'ware+house' }],
    ['postgres://u@h/db?dbname=a%20b', { database: 'a b' }],
    // IPv6, empty port, empty host with a port
    ['postgres://u@[::1]:5433/db', { host: '::1', port: 5433 }],
    ['postgres://u@[fe80::1]/db', { host: 'fe80::1', port: 5432 }],
    ['postgres://u@h:/db', { host: 'h', port: 5432 }],
    // unix sockets: an encoded path as host, or ?host=
    ['postgres://u@%2Fvar%2Frun%2Fpostgresql:5433/db', { host: '/var/run/postgresql', port: 5433 }],
    ['postgres://u@/db?host=/tmp/s', { host: '/tmp/s' }],
    ['postgres://u@ignored/db?host=%2Ftmp%2Fs', { host: '/tmp/s' }],
    // no database: the user name; no user: the OS user
    ['postgres://u@h', { database: 'u', user: 'u' }],
    ['postgres://h/', { database: 'osuser', user: 'osuser' }],
    ['postgres://u@h/?dbname=', { database: 'u' }],
    // libpq has no fragments: '#' is part of the database name
    ['postgres://u@h/db#x', { database: 'db#x' }],
    // '@' is looked for before the first '/', only
    ['postgres://u:p@h/db@x', { user: 'u', password: 'p', host: 'h', database: 'db@x' }],
    // ssl=true is libpq's JDBC spelling of sslmode=require; a trailing & is fine
    ['postgres://u@h/db?ssl=true&', { host: 'h' }],
  ])('%s', (url, expected) => {
    expect(target(url)).toMatchObject(expected);
  });

  it('fills what the URL leaves out from PG* variables, and only that', () => {
    const env = { PGHOST: 'envhost', PGPORT: '6000', PGDATABASE: 'envdb', PGUSER: 'envuser', PGPASSWORD: 'envpw' };
    expect(target('postgres:///', env)).toEqual({
      host: 'envhost',
      port: 6000,
      database: 'envdb',
      user: 'envuser',
      password: 'envpw',
    });
    expect(target('postgres://u:p@h:1/db', env)).toEqual({
      host: 'h',
      port: 1,
      database: 'db',
      user: 'u',
      password: 'p',
    });
    // PGDATABASE is used when the path is empty, and not when ?dbname= is given (even empty)
    expect(target('postgres://u@h/', env).database).toBe('envdb');
    expect(target('postgres://u@h/?dbname=', env).database).toBe('u');
    // an empty variable counts as set: PGPORT='' is the default port, PGDATABASE='' the user name
    expect(target('postgres://u@h/', { PGPORT: '', PGDATABASE: '' })).toMatchObject({ port: 5432, database: 'u' });
    // PGPASSWORD alone is the password; an empty ?password= turns PGPASSWORD off
    expect(target('postgres://u@h/db', { PGPASSWORD: 'only' }).password).toBe('only');
    expect(target('postgres://u@h/db?password=', { PGPASSWORD: 'only' }).password).toBeUndefined();
    expect(read('postgres://u@h/db', { PGSSLMODE: 'require' }).sslmode).toBe('require');
    expect(read('postgres://u@h/db?sslmode=disable', { PGSSLMODE: 'require' }).sslmode).toBe('disable');
    expect(read('postgres://u@h/db?ssl=true').sslmode).toBe('require');
  });

  it('takes the password from the passfile with libpq matching, and ignores a file others can read', () => {
    const file = path.join(home, 'pgpass');
    writeFileSync(
      file,
      ['# comment', 'other:*:*:*:nope', 'h:5432:db:u:from\\:file', '*:*:*:u:wild', 'localhost:5432:*:s:sock'].join(
        '\n',
      ),
    );
    chmodSync(file, 0o600);
    expect(target('postgres://u@h/db', { PGPASSFILE: file }).password).toBe('from:file');
    expect(read('postgres://u@h/db', { PGPASSFILE: file }).sources.password).toBe(`passfile ${file}`);
    expect(target('postgres://u@h/x', { PGPASSFILE: file }).password).toBe('wild');
    expect(target(`postgres://u@h/db?passfile=${encodeURIComponent(file)}`).password).toBe('from:file');
    // the default socket directory matches "localhost"
    expect(target('postgres://s@/db?host=/var/run/postgresql', { PGPASSFILE: file }).password).toBe('sock');
    // a password given anywhere wins over the file
    expect(target('postgres://u:given@h/db', { PGPASSFILE: file }).password).toBe('given');
    expect(target('postgres://u@h/db', { PGPASSFILE: file, PGPASSWORD: 'env' }).password).toBe('env');
    // ~/.pgpass by default
    writeFileSync(path.join(home, '.pgpass'), 'h:*:*:u:homefile\n', { mode: 0o600 });
    expect(target('postgres://u@h/db').password).toBe('homefile');
    chmodSync(file, 0o644);
    expect(target('postgres://u@h/db', { PGPASSFILE: file }).password).toBeUndefined();
  });

  it.each([
    ['postgres://u@h/db?service=prod', {}, 'service'],
    ['postgres://u@h/db', { PGSERVICE: 'prod' }, 'PGSERVICE'],
    ['postgres://u@h/db?options=-c%20search_path%3Devil', {}, 'options'],
    ['postgres://u@h/db?options=-c%20role%3Dx', {}, 'options'],
    ['postgres://u@h/db?options=-c%20statement_timeout%3D1', {}, 'options'],
    ['postgres://u@h/db', { PGOPTIONS: '-c search_path=evil' }, 'PGOPTIONS'],
    ['postgres://u@h/db?hostaddr=10.0.0.1', {}, 'hostaddr'],
    ['postgres://u@127.0.0.1/db', { PGHOSTADDR: '10.0.0.1' }, 'PGHOSTADDR'],
    ['postgres://u@h1,h2/db', {}, 'host'],
    ['postgres://u@h1:1,h2:2/db', {}, 'host'],
    ['postgres://u@/db?host=a,b', {}, 'host'],
    ['postgres://u@/db', { PGHOST: 'a,b' }, 'PGHOST'],
    ['postgres://u@h/db?port=1,2', {}, 'port'],
    ['postgres:///db', {}, 'host'],
    ['postgres://u@/db?host=', { PGHOST: 'h' }, 'host'],
    ['postgres://u@h/db?target_session_attrs=read-write', {}, 'target_session_attrs'],
    ['postgres://u@h/db', { PGTARGETSESSIONATTRS: 'primary' }, 'PGTARGETSESSIONATTRS'],
    ['postgres://u@h/db?replication=database', {}, 'replication'],
    ['postgres://u@h/db?sslpassword=x', {}, 'sslpassword'],
    ['postgres://u@h/db?sslmode=prefer', {}, 'sslmode'],
    ['postgres://u@h/db', { PGSSLMODE: 'allow' }, 'PGSSLMODE'],
    ['postgres://u@h/db?statement_timeout=1', {}, 'statement_timeout'],
    ['postgres://u@h/db?ssl=1', {}, 'ssl'],
    ['postgres://u@h/db?uselibpqcompat=true', {}, 'uselibpqcompat'],
    ['postgres://u@h/db?database=other', {}, 'database'],
    ['postgres://u@%40abstract/db', {}, 'host'],
    ['postgres://u@h/db?dbname=host%3Devil%20dbname%3Dwarehouse', {}, 'dbname'],
    ['postgres://u@h/', { PGDATABASE: 'postgres://evil/warehouse' }, 'PGDATABASE'],
  ])('refuses %s %j naming %s', (url, env, parameter) => {
    const e = refusal(url, env);
    expect(e).toBeInstanceOf(ConnRefused);
    expect(e.code).toBe('E_CONN_REFUSED');
    expect(e.parameter).toBe(parameter);
    expect(e.message).toMatch(/Fix|remove|name one|rename/i);
  });

  it('accepts a hostaddr equal to the host, and a hostaddr alone as the host', () => {
    expect(target('postgres://u@127.0.0.1/db?hostaddr=127.0.0.1').host).toBe('127.0.0.1');
    expect(target('postgres://u@/db?hostaddr=127.0.0.1').host).toBe('127.0.0.1');
    expect(target('postgres://u@/db', { PGHOSTADDR: '127.0.0.1' }).host).toBe('127.0.0.1');
  });

  it.each([
    'POSTGRES://u@h/db',
    'mysql://u@h/db',
    'host=h dbname=db',
    'postgres://u@h/db?x',
    'postgres://u@h/db?a=b=c',
    'postgres://u@h/d%zzb',
    'postgres://u@h/d%00b',
    'postgres://u@h/d b',
    'postgres://u@[::1/db',
    'postgres://u@[]/db',
    'postgres://u@[::1]x/db',
    'postgres://u@h:port/db',
    'postgres://u@h:70000/db',
    'postgres://u@h/db?sslmode=sometimes',
    // libpq reads host `ss@h` (credentials end at the first @); node-pg read password p@ss
    'postgres://u:p@ss@h/db',
  ])('rejects the malformed %s (E_CONN_INVALID)', (url) => {
    const e = refusal(url);
    expect(e.code).toBe('E_CONN_INVALID');
  });

  it('never quotes a password in an error', () => {
    for (const url of [
      'postgres://u:s3cr%zzet@h/db',
      'postgres://u@h/db?password=s3cr%zzet',
      'postgres://u:s3cret@h1,h2/db',
      'postgres://u:s3c@ret@h/db',
    ]) {
      expect(refusal(url).message).not.toContain('s3cr');
    }
  });
});

describe('canonicalUrl: node-pg reads what the descriptor says', () => {
  it.each([
    'postgres://u:p@h:5433/db',
    'postgres://us%40er:p%2F%3F%23%25@h/d%24b%3Bx%2By',
    'postgres://u@[::1]:1/db',
    'postgres://u@[::ffff:127.0.0.1]:1/db',
    'postgres://u@%2Fvar%2Frun%2Fpostgresql:5433/db',
    'postgres://u@h/a%2Fb',
    'postgres://u@h/%E3%83%86%E3%82%B9%E3%83%88',
    'postgres://u@h/db?sslmode=require',
    'postgres://u@h/db?dbname=x&user=y&password=z&port=9&host=%2Ftmp',
  ])('%s', (url) => {
    const d = read(url);
    const c = new pg.Client({ connectionString: canonicalUrl(d) });
    expect({ host: c.host, port: c.port, database: c.database, user: c.user, password: c.password }).toEqual({
      host:
        d.host.includes(':') && !d.host.startsWith('/') ? new URL(`http://[${d.host}]`).hostname.slice(1, -1) : d.host,
      port: d.port,
      database: d.database,
      user: d.user,
      password: d.password ?? null,
    });
    // canonical is a fixed point
    expect(canonicalUrl(read(canonicalUrl(d)))).toBe(canonicalUrl(d));
  });

  it('refuses a database name node-pg cannot be given (it would read another one)', () => {
    const e = (() => {
      try {
        return canonicalUrl(read('postgres://u@h/a%3Fb'));
      } catch (error) {
        return error as ConnRefused;
      }
    })();
    expect(e).toBeInstanceOf(ConnRefused);
    expect((e as ConnRefused).parameter).toBe('dbname');
  });
});

describe('libpqConnection: what a tool is given', () => {
  it('names everything in the conninfo, the password only in the child environment, no other PG* variable', () => {
    const d = read('postgres://u:pw@h:5433/db?application_name=x', { PGSSLMODE: 'disable' });
    const { conninfo, env } = libpqConnection(d, {
      PATH: '/bin',
      PGHOST: 'elsewhere',
      PGSERVICE: 's',
      PGHOSTADDR: '1.2.3.4',
      PGOPTIONS: '-c role=x',
      PGDATABASE: 'other',
      pgpassword: 'x',
    });
    expect(conninfo).toBe("host='h' port='5433' dbname='db' user='u' sslmode='disable' application_name='x'");
    expect(env).toEqual({ PATH: '/bin', PGPASSWORD: 'pw' });
    // no password known: libpq is pointed at a passfile that does not exist
    expect(libpqConnection(read('postgres://u@nopass/db'), {}).env.PGPASSFILE).toMatch(/nonexistent/);
    // quoting
    expect(libpqConnection(read("postgres://u@h/it's%5Cx"), {}).conninfo).toContain("dbname='it\\'s\\\\x'");
  });
});
