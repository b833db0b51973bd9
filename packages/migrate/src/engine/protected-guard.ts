/**
 * Prisma's own destructive commands, run through the stand-in engine (bin/schema-engine), on a
 * protected database: `prisma migrate reset` (reset), `prisma db push` (schemaPush, which may drop
 * columns or, with --force-reset, everything), `prisma db execute` (dbExecute: any SQL) and
 * `prisma migrate resolve` (markMigrationApplied / markMigrationRolledBack: history). Prisma's CLI
 * has no env names, no countdown and no terminal to confirm on (the engine runs on pipes), so on a
 * database that is production by what it is — its marker, or the identity of a configured
 * production URL — these are refused outright and the toolkit's guarded commands are named.
 * Everything else (status, diff, deploy, dev --create-only) passes.
 */
import { maskUrl } from '@warehouse/secrets';
import { DbError } from '@warehouse/db';
import { describeIdentity, readIdentity, sameDatabase, type DatabaseIdentity } from '@warehouse/env';
import { loadRegistry } from '@warehouse/env';
import { productionReferences } from '@warehouse/env';

/** The engine methods that destroy data or rewrite the migration history, and the toolkit command for each. */
export const PROTECTED_METHODS: Readonly<Record<string, string>> = {
  reset: 'pnpm db:reset --env NAME',
  schemaPush: 'pnpm db:migrate:new + pnpm db:migrate --env NAME',
  dbExecute: 'pnpm db:psql --env NAME',
  markMigrationApplied: 'pnpm db:stamp --env NAME',
  markMigrationRolledBack: 'pnpm db:resolve --env NAME',
};

/**
 * Throws E_ENV_PROTECTED when `method` is one of PROTECTED_METHODS and `url` reaches a protected
 * database (fails closed: an identity that cannot be read is refused too).
 */
export async function refuseOnProtected(
  method: string,
  url: string,
  options: { vars?: NodeJS.ProcessEnv; identify?: (url: string) => Promise<DatabaseIdentity> } = {},
): Promise<void> {
  const instead = PROTECTED_METHODS[method];
  if (!instead || !url) return;
  const identify = options.identify ?? ((u: string) => readIdentity(u, { timeoutMs: 10_000 }));
  let identity: DatabaseIdentity;
  try {
    identity = await identify(url);
  } catch (error) {
    throw new DbError(
      'E_IDENTITY_UNREADABLE',
      `prisma (${method}) refused: the toolkit must know which database it would change, and ${(error as Error).message}. ` +
        `Nothing was changed. Fix: check the server and DATABASE_URL (${maskUrl(url)}), or use \`${instead}\`.`,
    );
  }
  let protectedAs: string | undefined;
  if (identity.markerState === 'here') protectedAs = `the database marked ${identity.marker!.env}`;
  else {
    let refs: ReturnType<typeof productionReferences>;
    try {
      refs = productionReferences(loadRegistry(), options.vars ?? process.env);
    } catch {
      refs = []; // an unreadable registry is reported by the commands that use it
    }
    for (const ref of refs) {
      const prod = await identify(ref.url).catch(() => undefined);
      if (prod && sameDatabase(prod, identity)) {
        protectedAs = `the database of protected environment ${ref.name} (its URL from ${ref.sourceDetail})`;
        break;
      }
    }
  }
  if (!protectedAs) return;
  throw new DbError(
    'E_ENV_PROTECTED',
    `prisma (${method}) refused: DATABASE_URL (${maskUrl(url)}) reaches ${protectedAs}: ${describeIdentity(identity)}. ` +
      `Nothing was changed. Prisma's CLI cannot confirm on a protected database; use \`${instead}\` (guarded: --force and --confirm).`,
  );
}
