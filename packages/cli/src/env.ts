import { maskUrl, resolveDatabase, type ResolvedDatabase, type ResolveOptions } from '@warehouse/db';
import { c, info } from './output.ts';

/**
 * Resolve `--env NAME` to a database (starting the embedded server for local envs without a
 * URL), print where it points (password masked) on stderr, run `fn`, release the server.
 */
export async function withEnv<T>(name: string, fn: (db: ResolvedDatabase) => Promise<T>, options: ResolveOptions & { quiet?: boolean } = {}): Promise<T> {
  const db = await resolveDatabase(name, { log: options.quiet ? undefined : (m) => info(c.dim(m)), ...options });
  if (!options.quiet) info(`${c.bold(name)} → ${maskUrl(db.url)} ${c.dim(`(${db.sourceDetail})`)}`);
  try {
    return await fn(db);
  } finally {
    await db.release();
  }
}
