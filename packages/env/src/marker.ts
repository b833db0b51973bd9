/**
 * The owner-only anchor of the protection marker: one line in the database's COMMENT
 * (`COMMENT ON DATABASE`, stored in pg_shdescription). Only the database's owner (and members of
 * that role) or a superuser can change a database's comment, so — unlike rows of a table, which
 * whoever owns the table can edit — no role below the database owner can forge or remove it.
 * (A database-level setting, `ALTER DATABASE … SET toolkit.protection`, was the other candidate;
 * PostgreSQL 15 lets only a superuser set a custom placeholder that way, so an owner could not
 * protect their own database.)
 *
 * The line is `warehouse-toolkit protection: {json}`; anything else in the comment is kept.
 */

export const ANCHOR_PREFIX = 'warehouse-toolkit protection:';

export interface AnchorIdentity {
  env: string;
  system_identifier: string;
  database_oid: number;
  database: string;
}

/** Written by db:protect: this database is the protected env `env`. */
export interface ProtectedAnchor extends AnchorIdentity {
  kind: 'protected';
  written_at: string;
  written_by: string;
}

/**
 * Written by db:mark-copy on a physical copy of a protected database: `of` is the database it is
 * a copy of (same system_identifier and oid), `env` the env it now serves; `nonce` tells this copy
 * apart from the original and from other copies (they share every other identity fact).
 */
export interface ReleasedAnchor {
  kind: 'released-copy';
  env: string;
  of: AnchorIdentity;
  released_at: string;
  released_by: string;
  nonce: string;
}

export type Anchor = ProtectedAnchor | ReleasedAnchor;

export type AnchorReading = { anchor: Anchor } | { anchor: null } | { problem: string };

function isIdentity(v: unknown): v is AnchorIdentity {
  const o = v as Record<string, unknown> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.env === 'string' &&
    o.env !== '' &&
    typeof o.system_identifier === 'string' &&
    /^\d+$/.test(o.system_identifier) &&
    Number.isInteger(o.database_oid) &&
    typeof o.database === 'string'
  );
}

/** Parse the anchor out of a database comment; a line that starts with the prefix but is not valid is a problem (fail safe). */
export function readAnchor(comment: string | null): AnchorReading {
  const lines = (comment ?? '').split('\n').filter((l) => l.startsWith(ANCHOR_PREFIX));
  if (lines.length === 0) return { anchor: null };
  if (lines.length > 1) return { problem: `the database comment holds ${lines.length} protection lines, not one` };
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(lines[0]!.slice(ANCHOR_PREFIX.length)) as Record<string, unknown>;
  } catch {
    return { problem: 'the protection line of the database comment is not valid JSON' };
  }
  if (v?.kind === 'protected' && isIdentity(v) && typeof v.written_at === 'string')
    return { anchor: v as unknown as ProtectedAnchor };
  if (
    v?.kind === 'released-copy' &&
    typeof v.env === 'string' &&
    isIdentity(v.of) &&
    typeof v.nonce === 'string' &&
    /^[0-9a-f]{16,}$/.test(v.nonce) &&
    typeof v.released_at === 'string'
  )
    return { anchor: v as unknown as ReleasedAnchor };
  return { problem: 'the protection line of the database comment does not have the expected fields' };
}

/** The comment with the anchor line replaced (or added), other lines kept. */
export function withAnchor(comment: string | null, anchor: Anchor): string {
  const rest = (comment ?? '').split('\n').filter((l) => !l.startsWith(ANCHOR_PREFIX) && l.trim() !== '');
  return [...rest, `${ANCHOR_PREFIX} ${JSON.stringify(anchor)}`].join('\n');
}
