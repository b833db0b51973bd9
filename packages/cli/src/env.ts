import {
  describeIdentity,
  readIdentity,
  resolveDatabase,
  type DatabaseIdentity,
  type ResolvedDatabase,
  type ResolveOptions,
} from '@warehouse/env';
import { maskUrl } from '@warehouse/db';
import { c, info } from './output.ts';

/**
 * Resolve `--env NAME` to a database (starting the embedded server for local envs without a
 * URL), print where it points (password masked) on stderr, run `fn`, release the server.
 */
export async function withEnv<T>(
  name: string,
  fn: (db: ResolvedDatabase, identity: DatabaseIdentity | undefined) => Promise<T>,
  options: ResolveOptions & { quiet?: boolean } = {},
): Promise<T> {
  const db = await resolveDatabase(name, { log: options.quiet ? undefined : (m) => info(c.dim(m)), ...options });
  if (!options.quiet) info(`${c.bold(name)} → ${maskUrl(db.url)} ${c.dim(`(${db.sourceDetail})`)}`);
  // Read once per command: a guard that runs inside `fn` gets it as `known` instead of reading again.
  const identity = await readIdentity(db.url, { timeoutMs: 5000 }).catch(() => undefined);
  sayWhatItIs(db, identity);
  try {
    return await fn(db, identity);
  } finally {
    await db.release();
  }
}

/**
 * Every command says when the database it reached is marked protected under another env's name,
 * or is a restored copy of a protected database (its marker names another identity).
 * Quiet when the identity cannot be read: the command itself reports connection errors.
 */
function sayWhatItIs(db: ResolvedDatabase, id: DatabaseIdentity | undefined): void {
  if (id?.markerState === 'untrusted') {
    info(
      c.warn(
        `note: the protection marker of this database cannot be trusted (${id.markerProblem}): destructive commands treat it as protected`,
      ),
    );
    return;
  }
  if (!id?.marker) return;
  if (id.markerState === 'copy' && id.released) {
    info(
      c.warn(
        `note: this database is a physical copy of ${id.marker.env}, released for ${id.released.env} at ${id.released.at} by ${id.released.by}; the rules of ${db.env.name} apply`,
      ),
    );
  } else if (id.markerState === 'copy') {
    info(
      c.warn(
        `note: this database is a COPY of ${id.marker.env} (its protection marker was written on ${describeIdentity(id.marker)}; this is ${describeIdentity(id)}); the rules of ${db.env.name} apply`,
      ),
    );
  } else if (id.marker.env !== db.env.name) {
    info(
      c.warn(
        `note: ${db.env.name}'s URL reaches the database marked ${id.marker.env} (${describeIdentity(id)}): destructive commands get ${id.marker.env}'s rules`,
      ),
    );
  }
}
