/**
 * The shared parts of `pnpm users:*`: who acts (the OS user, or `--as NAME`) for the audit log, a
 * password read from stdin, one connection in one transaction, and AccountError → CliError.
 */
import os from 'node:os';
import pg from 'pg';
import { CliError } from '@warehouse/command';
import { withTransaction } from '@warehouse/db';
import { AccountError, ROLES, isRole, type Actor, type Role } from '@warehouse/db/accounts';

/** The CLI's actor in log.audit_event: `--as` or the OS user. */
export function cliActor(as: string | undefined): Actor {
  let user = as?.trim();
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      user = process.env.USER ?? 'unknown';
    }
  }
  return { type: 'cli', id: null, name: user };
}

export function parseRole(raw: string | undefined): Role {
  if (!raw) throw new CliError('E_USAGE', `say the role: --role ${ROLES.join('|')}`);
  if (!isRole(raw))
    throw new CliError('E_USAGE', `--role ${JSON.stringify(raw)} is not a role; use one of ${ROLES.join(', ')}`);
  return raw;
}

/** The first line of stdin (a password piped in; never echoed). */
export async function readPasswordFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  let data = '';
  for await (const chunk of stdin) data += String(chunk);
  const line = data.split(/\r?\n/)[0] ?? '';
  if (!line)
    throw new CliError(
      'E_USAGE',
      '--password-stdin read no password: pipe one in, e.g. `printf %s "$PW" | pnpm users:create …`',
    );
  return line;
}

/** One connection, one transaction around `fn`; account errors become exit-1 CLI errors naming the fix. */
export async function inAccountTransaction<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'warehouse-users' });
  client.on('error', () => {});
  await client.connect();
  try {
    return await withTransaction(client, () => fn(client));
  } catch (error) {
    if (error instanceof AccountError) throw new CliError('E_FAILED', `${error.code}: ${error.message}`);
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}
