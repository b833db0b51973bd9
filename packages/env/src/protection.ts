import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type pg from 'pg';
import { DbError } from '@warehouse/db';
import { ident } from '@warehouse/db/pg';
import {
  MARKER_SCHEMA,
  MARKER_TABLE,
  connectForIdentity,
  describeIdentity,
  markerTableFacts,
  pinnedTransaction,
  readWith,
  sameDatabase,
  tableDistrust,
  type DatabaseIdentity,
  type ProtectionMarker,
} from './identity.ts';
import { withAnchor, type Anchor, type ProtectedAnchor, type ReleasedAnchor } from './marker.ts';

/**
 * Writing the protection marker (both parts: the table and the owner-only anchor in the database
 * comment, see identity.ts and marker.ts), and releasing a physical copy on purpose.
 * Every statement runs in a transaction with a pinned search_path, like the reads.
 */

export interface MarkerWriteResult {
  before: DatabaseIdentity;
  after: DatabaseIdentity;
  /** The owner-only anchor was written (false: only the table, which its owner can edit). */
  anchored: boolean;
  /** What could not be done or is weak, each naming the object and the fix. */
  problems: string[];
}

async function currentComment(client: pg.ClientBase): Promise<{ comment: string | null; me: string }> {
  return (
    await client.query(
      `select pg_catalog.shobj_description(d.oid, 'pg_database') as comment, current_user::pg_catalog.text as me
       from pg_catalog.pg_database d where d.datname = pg_catalog.current_database()`,
    )
  ).rows[0] as { comment: string | null; me: string };
}

async function writeAnchor(
  client: pg.ClientBase,
  database: string,
  comment: string | null,
  anchor: Anchor,
): Promise<void> {
  await client.query(
    `comment on database ${ident(database)} is ${(client as pg.Client).escapeLiteral(withAnchor(comment, anchor))}`,
  );
}

function anchorRefusal(e: Error & { code?: string }, id: DatabaseIdentity, me: string): string {
  return e.code === '42501'
    ? `only the database owner (${id.owner}) or a superuser can write the owner-only part of the marker (the comment of database ${id.database}); ${me} is neither. Fix: run it again as ${id.owner} or a superuser (e.g. DATABASE_URL_<ENV> with that role)`
    : `the comment of database ${id.database} could not be written: ${e.message}`;
}

/**
 * Write (or rewrite) the protection marker in the database `url` reaches, recording its current
 * identity: the row in toolkit.protection and the anchor line in the database comment. A part
 * that cannot be written is reported in `problems`; when neither can, it throws E_MARKER_UNWRITABLE.
 *
 * @example const r = await writeProtectionMarker(url, 'vm_prod'); if (!r.anchored) warn(r.problems)
 */
export async function writeProtectionMarker(url: string, env: string): Promise<MarkerWriteResult> {
  const client = await connectForIdentity(url, 10_000);
  try {
    const before = await readWith(client, url);
    const problems: string[] = [];
    let anchored = false;
    await pinnedTransaction(client, 'read write', async () => {
      const { comment, me } = await currentComment(client);
      let tableWritten = false;
      await client.query('savepoint marker_table');
      try {
        if (!(await markerTableFacts(client))) {
          await client.query(`create schema if not exists ${MARKER_SCHEMA}`);
          await client.query(
            `create table ${MARKER_TABLE} (
               one boolean primary key default true check (one),
               env text not null,
               system_identifier text not null,
               database_oid oid not null,
               database_name text not null,
               written_at timestamptz not null default pg_catalog.now(),
               written_by text not null default current_user
             )`,
          );
          await client.query(
            `comment on table ${MARKER_TABLE} is 'Protection marker of the warehouse toolkit: destructive commands treat this database as the protected environment named here (written by pnpm db:protect, with a line in the database comment that only the database owner can change). Do not copy by hand.'`,
          );
          // Every role that connects must be able to read who this database is (the guard fails closed otherwise).
          await client.query(`grant usage on schema ${MARKER_SCHEMA} to public`);
          await client.query(`grant select on ${MARKER_TABLE} to public`);
        }
        await client.query(
          `insert into ${MARKER_TABLE} (env, system_identifier, database_oid, database_name) values ($1, $2, $3::pg_catalog.oid, $4)
           on conflict (one) do update set env = excluded.env, system_identifier = excluded.system_identifier,
             database_oid = excluded.database_oid, database_name = excluded.database_name,
             written_at = pg_catalog.now(), written_by = current_user`,
          [env, before.systemIdentifier, String(before.databaseOid), before.database],
        );
        await client.query('release savepoint marker_table');
        tableWritten = true;
      } catch (error) {
        await client.query('rollback to savepoint marker_table');
        problems.push(
          `the table ${MARKER_TABLE} was not written: ${(error as Error).message}. Fix: as a superuser, drop schema ${MARKER_SCHEMA} if nothing else lives there and run this again`,
        );
      }
      const facts = await markerTableFacts(client);
      const distrust = facts && tableDistrust(facts, before.owner ?? '?');
      if (tableWritten && distrust)
        problems.push(
          `the table part of the marker can be changed by roles below the database owner (${distrust}); the comment line decides. Fix (for logical copies to be recognised): as a superuser, ALTER TABLE ${MARKER_TABLE} OWNER TO ${before.owner} and revoke the others' write privileges`,
        );
      const anchor: ProtectedAnchor = {
        kind: 'protected',
        env,
        system_identifier: before.systemIdentifier,
        database_oid: before.databaseOid,
        database: before.database,
        written_at: new Date().toISOString(),
        written_by: me,
      };
      await client.query('savepoint marker_anchor');
      try {
        await writeAnchor(client, before.database, comment, anchor);
        await client.query('release savepoint marker_anchor');
        anchored = true;
      } catch (error) {
        await client.query('rollback to savepoint marker_anchor');
        problems.push(anchorRefusal(error as Error & { code?: string }, before, me));
      }
      if (!anchored && !tableWritten)
        throw new DbError(
          'E_MARKER_UNWRITABLE',
          `could not mark ${describeIdentity(before)} as ${env}: ${problems.join('; ')}. Nothing was changed.`,
        );
    });
    return { before, after: await readWith(client, url), anchored, problems };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Mark the database `url` reaches as a copy of `of` released on purpose to serve `env`: the
 * anchor becomes a `released-copy` line with a fresh nonce; the table is left as it was (so a
 * removed comment falls back to "protected"). The caller proves first that `url` is not the
 * original (probeSameInstance). Throws E_MARKER_UNWRITABLE when the comment cannot be written,
 * E_TARGET_CHANGED when the database no longer carries the marker `of`.
 */
export async function writeReleasedCopyMarker(
  url: string,
  o: { env: string; of: ProtectionMarker; expected: DatabaseIdentity },
): Promise<{ before: DatabaseIdentity; after: DatabaseIdentity; anchor: ReleasedAnchor }> {
  const client = await connectForIdentity(url, 10_000);
  try {
    const before = await readWith(client, url);
    if (!sameDatabase(before, o.expected) || before.markerState === 'copy' || before.marker?.env !== o.of.env)
      throw new DbError(
        'E_TARGET_CHANGED',
        `${describeIdentity(before)} is not what was checked (${describeIdentity(o.expected)}, marked ${o.of.env}); nothing was changed`,
      );
    const { comment, me } = await pinnedTransaction(client, 'read only', () => currentComment(client));
    const anchor: ReleasedAnchor = {
      kind: 'released-copy',
      env: o.env,
      of: {
        env: o.of.env,
        system_identifier: o.of.systemIdentifier,
        database_oid: o.of.databaseOid,
        database: o.of.database,
      },
      released_at: new Date().toISOString(),
      released_by: `${os.userInfo().username} as ${me}`,
      nonce: randomBytes(12).toString('hex'),
    };
    try {
      await pinnedTransaction(client, 'read write', () => writeAnchor(client, before.database, comment, anchor));
    } catch (error) {
      throw new DbError('E_MARKER_UNWRITABLE', `${anchorRefusal(error as Error, before, me)}. Nothing was changed.`, {
        cause: error,
      });
    }
    return { before, after: await readWith(client, url), anchor };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Do `a` and `b` reach the same running database, not merely the same identity (a physical copy
 * shares system_identifier and oid)? `a` holds a transaction-level advisory lock on a random key;
 * `b` tries the same key: it is refused only by the very same database of the very same server.
 */
export async function probeSameInstance(a: string, b: string): Promise<boolean> {
  const [k1, k2] = [randomBytes(4).readInt32BE(), randomBytes(4).readInt32BE()];
  const ca = await connectForIdentity(a, 10_000);
  try {
    const cb = await connectForIdentity(b, 10_000);
    try {
      await ca.query('begin');
      await ca.query('select pg_catalog.pg_advisory_xact_lock($1::pg_catalog.int4, $2::pg_catalog.int4)', [k1, k2]);
      await cb.query('begin');
      const got = (
        await cb.query('select pg_catalog.pg_try_advisory_xact_lock($1::pg_catalog.int4, $2::pg_catalog.int4) as got', [
          k1,
          k2,
        ])
      ).rows[0].got as boolean;
      await cb.query('rollback');
      await ca.query('rollback');
      return !got;
    } finally {
      await cb.end().catch(() => {});
    }
  } finally {
    await ca.end().catch(() => {});
  }
}
