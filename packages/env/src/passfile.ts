import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** libpq's compiled-in socket directory on Debian/Ubuntu: a socket there matches `localhost` lines. */
const DEFAULT_SOCKET_DIR = '/var/run/postgresql';

/** One field of a .pgpass line against a value, as libpq's pwdfMatchesString: `*` or the exact text with `\` escapes. */
function matchField(line: string, at: number, value: string): number | undefined {
  if (line[at] === '*' && line[at + 1] === ':') return at + 2;
  let i = at;
  let j = 0;
  while (i < line.length) {
    let ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) ch = line[++i]!;
    else if (ch === ':') return j === value.length ? i + 1 : undefined;
    if (value[j] !== ch) return undefined;
    i++;
    j++;
  }
  return undefined;
}

/**
 * The password libpq would take from the password file (`passfile`, else PGPASSFILE, else
 * ~/.pgpass) for this host, port, database and user, or undefined. Like libpq, a file readable by
 * group or others is ignored.
 */
export function passwordFromFile(
  target: { host: string; port: string; database: string; user: string },
  file: string | undefined,
  homeDir: string = os.homedir(),
): { password: string; file: string } | undefined {
  const pgpass = file ?? path.join(homeDir, '.pgpass');
  let text: string;
  try {
    const st = statSync(pgpass);
    if (!st.isFile() || (st.mode & 0o077) !== 0) return undefined;
    text = readFileSync(pgpass, 'utf8');
  } catch {
    return undefined;
  }
  const host = target.host === '' || target.host === DEFAULT_SOCKET_DIR ? 'localhost' : target.host;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    let at: number | undefined = 0;
    for (const value of [host, target.port, target.database, target.user]) {
      at = matchField(line, at, value);
      if (at === undefined) break;
    }
    if (at === undefined) continue;
    // The rest of the line is the password, with backslash escapes removed (up to an unescaped ':').
    let password = '';
    for (let i = at; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === '\\' && i + 1 < line.length) password += line[++i];
      else if (ch === ':') break;
      else password += ch;
    }
    return { password, file: pgpass };
  }
  return undefined;
}
