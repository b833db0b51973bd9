import net from 'node:net';
import os from 'node:os';
import pg from 'pg';
import { DbError } from '@warehouse/db';
import { passwordFromFile } from './passfile.ts';

/**
 * One reading of a connection. A URL and the `PG*` environment are parsed ONCE, with libpq's
 * rules (the same precedence pg_dump, pg_restore and psql apply), into the database the tools
 * will reach; node-pg and the tools then connect from this descriptor, never from the original
 * string. node-pg reads a URL differently (it ignores `?dbname=`, `?hostaddr=`, `?service=`,
 * defaults to TCP localhost where libpq uses a Unix socket, …), so handing both the same string
 * let the guard judge one database while pg_restore changed another.
 *
 * What the toolkit cannot give both sides identically is refused (ConnRefused, naming the
 * parameter or variable and the fix): a service file, several hosts, a hostaddr that differs from
 * the host, `options`/PGOPTIONS (search_path, role, …), replication, unknown parameters.
 */

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** Where a value came from, for messages: `URL`, `?dbname=`, `PGDATABASE`, `passfile …`, `default`. */
export type ValueSource = string;

export interface ConnDescriptor {
  /** Host name, IP address, or the directory of a Unix socket (starts with `/`). */
  host: string;
  port: number;
  database: string;
  user: string;
  /** From the URL, `?password=`, PGPASSWORD or the passfile; never printed. */
  password?: string;
  sslmode?: SslMode;
  /** Other libpq parameters that do not change which database is reached, passed on to the tools. */
  params: Record<string, string>;
  sources: { host: ValueSource; port: ValueSource; database: ValueSource; user: ValueSource; password?: ValueSource };
}

export interface ParseOptions {
  /** The environment libpq would read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** libpq's default user (the OS user); default os.userInfo().username. */
  osUser?: string;
  /** Where `~/.pgpass` is; default os.homedir(). */
  homeDir?: string;
}

/** A connection the toolkit will not use: the parameter or variable is named, with the fix. */
export class ConnRefused extends DbError {
  readonly parameter: string;
  constructor(parameter: string, message: string) {
    super('E_CONN_REFUSED', message);
    this.parameter = parameter;
  }
}

/** libpq 15's connection parameters, and what the toolkit does with each. */
const KNOWN = new Set([
  'host',
  'hostaddr',
  'port',
  'dbname',
  'user',
  'password',
  'passfile',
  'service',
  'options',
  'replication',
  'target_session_attrs',
  'sslmode',
  'sslpassword',
  // passed on to the tools; none changes which database is reached
  'channel_binding',
  'connect_timeout',
  'client_encoding',
  'application_name',
  'fallback_application_name',
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
  'sslcompression',
  'sslcert',
  'sslkey',
  'sslrootcert',
  'sslcrl',
  'sslcrldir',
  'sslsni',
  'requirepeer',
  'ssl_min_protocol_version',
  'ssl_max_protocol_version',
  'gssencmode',
  'krbsrvname',
  'gsslib',
]);
const MODELLED = new Set(['host', 'hostaddr', 'port', 'dbname', 'user', 'password', 'passfile', 'sslmode']);

/** Environment variables libpq reads for a parameter the URL leaves out. */
const ENV_OF: Record<string, string> = {
  host: 'PGHOST',
  hostaddr: 'PGHOSTADDR',
  port: 'PGPORT',
  dbname: 'PGDATABASE',
  user: 'PGUSER',
  password: 'PGPASSWORD',
  passfile: 'PGPASSFILE',
  service: 'PGSERVICE',
  options: 'PGOPTIONS',
  target_session_attrs: 'PGTARGETSESSIONATTRS',
  sslmode: 'PGSSLMODE',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  sslrootcert: 'PGSSLROOTCERT',
  sslcrl: 'PGSSLCRL',
  sslcrldir: 'PGSSLCRLDIR',
};
const SECRET = new Set(['password', 'sslpassword']);

const invalid = (what: string, fix = 'write it as postgres://user:password@host:port/database') =>
  new DbError('E_CONN_INVALID', `the connection URL is not valid: ${what}; ${fix}`);

/** libpq's percent-decoding (conninfo_uri_decode): %XX only, `+` stays, %00 is refused. */
function decode(raw: string, what: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== '%') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!/^[0-9a-f]{2}$/i.test(hex)) throw invalid(`invalid percent-encoding in ${what}`, 'encode a literal % as %25');
    const byte = parseInt(hex, 16);
    if (byte === 0) throw invalid(`%00 in ${what}`, 'remove it');
    bytes.push(byte);
    i += 2;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parse the URL as libpq's conninfo_uri_parse_options does; returns keyword → [value, source]. */
function parseUri(url: string): Map<string, { value: string; source: string }> {
  const prefix = /^postgres(ql)?:\/\//.exec(url);
  if (!prefix)
    throw invalid(
      'it does not start with postgresql:// or postgres:// (lower case)',
      'key=value connection strings are not supported here; write postgres://user:password@host:port/database',
    );
  if (/[\s\x00-\x1f\x7f]/.test(url))
    throw invalid('it contains a space or a control character', 'percent-encode it (%20)');
  const out = new Map<string, { value: string; source: string }>();
  const store = (key: string, raw: string, source: string, what: string) =>
    out.set(key, { value: decode(raw, SECRET.has(key) ? 'the password' : what), source });
  let rest = url.slice(prefix[0].length);
  // user[:password]@ — libpq looks for '@' before the first '/', nowhere else.
  const at = /^[^@/]*@/.exec(rest);
  if (at) {
    const cred = at[0].slice(0, -1);
    const colon = cred.indexOf(':');
    const user = colon < 0 ? cred : cred.slice(0, colon);
    if (user) store('user', user, 'URL', 'the user name');
    if (colon >= 0 && cred.slice(colon + 1)) store('password', cred.slice(colon + 1), 'URL', 'the password');
    rest = rest.slice(at[0].length);
  }
  // host[:port] — a bracketed IPv6 address, or up to ':' '/' '?' ','
  let host: string;
  let port = '';
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) throw invalid('an IPv6 address without its closing ]');
    if (end === 1) throw invalid('an empty IPv6 address []');
    host = rest.slice(1, end);
    rest = rest.slice(end + 1);
    if (rest && !/^[:/?,]/.test(rest)) throw invalid(`unexpected ${JSON.stringify(rest[0])} after the IPv6 address`);
  } else {
    const m = /^[^:/?,]*/.exec(rest)![0];
    host = m;
    rest = rest.slice(m.length);
  }
  if (rest.startsWith(':')) {
    const m = /^:[^/?,]*/.exec(rest)![0];
    port = m.slice(1);
    rest = rest.slice(m.length);
  }
  if (rest.startsWith(','))
    throw new ConnRefused(
      'host',
      'the connection URL names several hosts (host1,host2); the toolkit connects to exactly one database: name one host',
    );
  if (host) store('host', host, 'URL', 'the host');
  if (port) store('port', port, 'URL', 'the port');
  if (rest.startsWith('/')) {
    const q = rest.indexOf('?');
    const db = q < 0 ? rest.slice(1) : rest.slice(1, q);
    if (db) store('dbname', db, 'URL path', 'the database name');
    rest = q < 0 ? '' : rest.slice(q);
  }
  if (rest.startsWith('?')) {
    const pairs = rest.slice(1).split('&');
    if (pairs[pairs.length - 1] === '') pairs.pop(); // libpq stops at the end: `?` and a trailing `&` are fine
    for (const pair of pairs) {
      const eq = pair.split('=');
      if (eq.length !== 2) throw invalid(`the query parameter ${JSON.stringify(decodeSafe(eq[0]!))} is not key=value`);
      let key = decode(eq[0]!, 'a query parameter name');
      let value = decode(eq[1]!, SECRET.has(key) ? 'the password' : `?${key}=`);
      if (key === 'ssl' && value === 'true') [key, value] = ['sslmode', 'require'];
      if (!KNOWN.has(key))
        throw new ConnRefused(
          key,
          `the connection URL has the parameter ?${key}=, which libpq does not know (pg_dump, pg_restore and psql would refuse it) ` +
            `and node-pg would read on its own; remove it`,
        );
      out.set(key, { value, source: `?${key}=` });
    }
  }
  return out;
}

function decodeSafe(s: string): string {
  try {
    return decode(s, '');
  } catch {
    return s;
  }
}

const isSocket = (host: string) => host.startsWith('/');
const isIpv6 = (host: string) => !isSocket(host) && host.includes(':') && net.isIPv6(host);

function sameHost(a: string, b: string): boolean {
  const n = (x: string) => x.toLowerCase().replace(/^\[|\]$/g, '');
  return n(a) === n(b);
}

/**
 * Read `url` plus the `PG*` variables of `options.env` as libpq does, into one descriptor.
 * Throws ConnRefused (a parameter the toolkit will not model) or DbError E_CONN_INVALID.
 *
 * @example
 * parseConnection('postgresql://u:p@127.0.0.1:5432/scratch?dbname=warehouse').database // 'warehouse'
 */
export function parseConnection(url: string, options: ParseOptions = {}): ConnDescriptor {
  const env = options.env ?? process.env;
  const given = parseUri(url);
  const get = (key: string): { value: string; source: string } | undefined => {
    const v = given.get(key);
    if (v) return v;
    const variable = ENV_OF[key];
    if (variable && env[variable] !== undefined) return { value: env[variable], source: variable };
    return undefined;
  };
  const service = get('service');
  if (service)
    throw new ConnRefused(
      service.source === 'PGSERVICE' ? 'PGSERVICE' : 'service',
      `${service.source === 'PGSERVICE' ? 'PGSERVICE' : '?service='} names a connection service (pg_service.conf): libpq would read host, database and user from a file the toolkit does not read. ` +
        `Fix: write the host, port, database and user into the URL and unset ${service.source === 'PGSERVICE' ? 'PGSERVICE' : 'the parameter'}`,
    );
  const opts = get('options');
  if (opts && opts.value.trim() !== '')
    throw new ConnRefused(
      opts.source === 'PGOPTIONS' ? 'PGOPTIONS' : 'options',
      `${opts.source === 'PGOPTIONS' ? 'PGOPTIONS' : '?options='} sets server options for the session (search_path, role, …), which would change what the guard's and the tools' queries read. ` +
        `Fix: remove it (${opts.source === 'PGOPTIONS' ? 'unset PGOPTIONS' : 'drop ?options= from the URL'}); set per-role defaults with ALTER ROLE … SET instead`,
    );
  const repl = given.get('replication');
  if (repl)
    throw new ConnRefused(
      'replication',
      '?replication= opens a replication connection, which cannot run the toolkit; remove it',
    );
  const tsa = get('target_session_attrs');
  if (tsa && tsa.value !== 'any' && tsa.value !== '')
    throw new ConnRefused(
      tsa.source === 'PGTARGETSESSIONATTRS' ? 'PGTARGETSESSIONATTRS' : 'target_session_attrs',
      `${tsa.source} = ${JSON.stringify(tsa.value)} picks among several hosts by their state, which the toolkit does not model (one host, checked by what it is). Fix: remove it`,
    );
  const sslpw = given.get('sslpassword');
  if (sslpw)
    throw new ConnRefused(
      'sslpassword',
      '?sslpassword= would have to reach the tools on their command line. Fix: decrypt the client key, or use a key without a passphrase',
    );

  // host / hostaddr
  let hostV = get('host');
  if (hostV && hostV.value.includes(','))
    throw new ConnRefused(
      hostV.source === 'PGHOST' ? 'PGHOST' : 'host',
      `${hostV.source} names several hosts; the toolkit connects to exactly one database: name one host`,
    );
  const addr = get('hostaddr');
  if (addr && addr.value !== '') {
    const name = addr.source === 'PGHOSTADDR' ? 'PGHOSTADDR' : 'hostaddr';
    if (addr.value.includes(','))
      throw new ConnRefused(name, `${addr.source} names several addresses; name one host in the URL instead`);
    if (!hostV || hostV.value === '') hostV = { value: addr.value, source: addr.source };
    else if (!sameHost(hostV.value, addr.value))
      throw new ConnRefused(
        name,
        `${addr.source} = ${addr.value} differs from the host ${hostV.value} (${hostV.source}): libpq connects to ${addr.value} while node-pg connects to ${hostV.value}. ` +
          `Fix: remove ${name}${addr.source === 'PGHOSTADDR' ? ' from the environment' : ''} and put the address as the URL's host`,
      );
  }
  if (!hostV || hostV.value === '')
    throw new ConnRefused(
      'host',
      'the connection names no host (nor PGHOST): libpq would use its compiled-in Unix socket directory and node-pg TCP localhost, two different servers when both exist. ' +
        'Fix: name the host, e.g. postgres://user@localhost:5432/db, or a socket directory with ?host=/var/run/postgresql',
    );
  const host = hostV.value;
  // libpq ends the credentials at the FIRST '@' (node-pg at the last): `u:p@ss@h` is host `ss@h`,
  // which no resolver knows. Not quoted: it holds the rest of the password.
  if (!isSocket(host) && host.indexOf('@') > 0)
    throw invalid(
      `the host (from ${hostV.source}) contains @`,
      'percent-encode an @ in the user name or password as %40 (postgres://user:p%40ss@host/db)',
    );
  if (host.startsWith('@'))
    throw new ConnRefused(
      'host',
      `the host ${host} is an abstract Unix socket, which node-pg cannot reach. Fix: name a socket directory or a TCP host`,
    );

  const portV = get('port');
  const portText = portV && portV.value !== '' ? portV.value : '5432';
  if (portText.includes(','))
    throw new ConnRefused(
      portV!.source === 'PGPORT' ? 'PGPORT' : 'port',
      `${portV!.source} names several ports; name one`,
    );
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    throw invalid(`port ${JSON.stringify(portText)} (from ${portV?.source}) is not a number between 1 and 65535`);

  const userV = get('user');
  const user = userV && userV.value !== '' ? userV.value : (options.osUser ?? os.userInfo().username);
  const dbV = get('dbname');
  const database = dbV && dbV.value !== '' ? dbV.value : user;
  // libpq expands a dbname that looks like a connection string wherever a tool passes it on as one.
  if (database.includes('=') || /^postgres(ql)?:\/\//.test(database))
    throw new ConnRefused(
      dbV?.source === 'PGDATABASE' ? 'PGDATABASE' : 'dbname',
      `the database name ${JSON.stringify(database)} (from ${dbV?.source ?? 'the user name'}) reads as a connection string to libpq, which would expand it. Fix: name the database plainly`,
    );

  const sslV = get('sslmode');
  let sslmode: SslMode | undefined;
  if (sslV) {
    if (!SSL_MODES.includes(sslV.value as SslMode))
      throw invalid(
        `sslmode ${JSON.stringify(sslV.value)} (from ${sslV.source}) is not one of ${SSL_MODES.join(', ')}`,
      );
    sslmode = sslV.value as SslMode;
    if (sslmode === 'allow' || sslmode === 'prefer')
      throw new ConnRefused(
        sslV.source === 'PGSSLMODE' ? 'PGSSLMODE' : 'sslmode',
        `${sslV.source === 'PGSSLMODE' ? 'PGSSLMODE' : '?sslmode='}=${sslmode} lets libpq fall back between TLS and plain text, which node-pg cannot do (it insists on TLS): the two would not connect alike. ` +
          'Fix: say sslmode=require (TLS) or sslmode=disable, or leave it out',
      );
  } else if (env.PGREQUIRESSL?.startsWith('1')) sslmode = 'require';

  const params: Record<string, string> = {};
  for (const key of KNOWN) {
    if (
      MODELLED.has(key) ||
      SECRET.has(key) ||
      ['service', 'options', 'replication', 'target_session_attrs'].includes(key)
    )
      continue;
    const v = get(key);
    if (v && v.value !== '') params[key] = v.value;
  }

  const pwV = get('password');
  let password = pwV && pwV.value !== '' ? pwV.value : undefined;
  let passwordSource = password ? pwV!.source : undefined;
  if (!password) {
    const file = get('passfile');
    const found = passwordFromFile(
      { host, port: portText, database, user },
      file && file.value !== '' ? file.value : undefined,
      options.homeDir,
    );
    if (found) [password, passwordSource] = [found.password, `passfile ${found.file}`];
  }
  return {
    host,
    port,
    database,
    user,
    ...(password !== undefined ? { password } : {}),
    ...(sslmode ? { sslmode } : {}),
    params,
    sources: {
      host: hostV.source,
      port: portV && portV.value !== '' ? portV.source : 'default',
      database: dbV && dbV.value !== '' ? dbV.source : `default (the user name)`,
      user: userV && userV.value !== '' ? userV.source : 'default (the OS user)',
      ...(passwordSource ? { password: passwordSource } : {}),
    },
  };
}

// A database name is read back by node-pg with decodeURI: leave the characters it would not decode raw.
const encodePath = (s: string) =>
  encodeURIComponent(s).replace(/%(24|26|2B|2C|3A|3B|3D|40|2F)/g, (m) => decodeURIComponent(m));

/**
 * The URL node-pg reads exactly as the descriptor says: host, port, database and user are all
 * explicit, so neither node-pg's defaults nor `PG*` variables can fill anything in. Verified by
 * reading it back with node-pg; a value node-pg cannot carry is refused.
 */
export function canonicalUrl(d: ConnDescriptor): string {
  const netloc = isSocket(d.host)
    ? encodeURIComponent(d.host)
    : d.host.includes(':')
      ? `[${d.host}]`
      : encodeURIComponent(d.host);
  const auth = `${encodeURIComponent(d.user)}${d.password !== undefined ? `:${encodeURIComponent(d.password)}` : ''}`;
  // sslmode and the certificate files as given (node-pg reads sslmode its own way, as it always did);
  // without sslmode node-pg does not use TLS unless PGSSLMODE says so, and PGSSLMODE is in the descriptor.
  const query = new URLSearchParams();
  if (d.sslmode) query.set('sslmode', d.sslmode);
  for (const key of ['sslrootcert', 'sslcert', 'sslkey'] as const) if (d.params[key]) query.set(key, d.params[key]);
  const qs = query.toString();
  const url = `postgres://${auth}@${netloc}:${d.port}/${encodePath(d.database)}${qs ? `?${qs}` : ''}`;
  const back = new pg.Client({ connectionString: url });
  const read = { host: back.host, port: back.port, database: back.database, user: back.user };
  // An IPv6 literal comes back in its canonical spelling (::ffff:127.0.0.1 as ::ffff:7f00:1): the same address.
  const host = isIpv6(d.host) ? new URL(`http://[${d.host}]`).hostname.slice(1, -1) : d.host;
  for (const [key, want] of Object.entries({ host, port: d.port, database: d.database, user: d.user })) {
    if (String(read[key as keyof typeof read]) !== String(want))
      throw new ConnRefused(
        key === 'database' ? 'dbname' : key,
        `node-pg cannot be given the ${key} ${JSON.stringify(want)} so that it reads it back unchanged (it reads ${JSON.stringify(read[key as keyof typeof read])}); rename it or use another spelling`,
      );
  }
  return url;
}

/** A libpq conninfo value, quoted. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A path libpq stats and finds missing: no `~/.pgpass` is read behind the descriptor's back. */
export const NO_PASSFILE = '/nonexistent/warehouse-toolkit/no-passfile';

/**
 * What a libpq tool (pg_dump, pg_restore, psql) is given: a conninfo for `--dbname` that names
 * host, port, database and user (no password), and a child environment with every `PG*` variable
 * removed, the password (if any) in PGPASSWORD, and PGPASSFILE pointing nowhere.
 */
export function libpqConnection(d: ConnDescriptor, baseEnv: NodeJS.ProcessEnv = process.env) {
  const parts = [
    `host=${quote(d.host)}`,
    `port=${quote(String(d.port))}`,
    `dbname=${quote(d.database)}`,
    `user=${quote(d.user)}`,
    ...(d.sslmode ? [`sslmode=${quote(d.sslmode)}`] : []),
    ...Object.entries(d.params).map(([k, v]) => `${k}=${quote(v)}`),
  ];
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(baseEnv)) if (!/^PG/i.test(k)) env[k] = v;
  if (d.password !== undefined) env.PGPASSWORD = d.password;
  else env.PGPASSFILE = NO_PASSFILE;
  return { conninfo: parts.join(' '), env };
}

/** Parse with libpq's rules and return the canonical URL (the one every node-pg connection uses). */
export function canonicalConnection(url: string, options: ParseOptions = {}): { url: string; conn: ConnDescriptor } {
  const conn = parseConnection(url, options);
  return { url: canonicalUrl(conn), conn };
}
