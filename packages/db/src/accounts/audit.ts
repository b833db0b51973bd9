/**
 * log.audit_event: who did what, append-only (a trigger refuses UPDATE/DELETE/TRUNCATE). Write the
 * event with the same client, inside the same transaction, as the action it records, so an action
 * that rolls back leaves no event and an event never lacks its action.
 */
import type pg from 'pg';

type Queryable = Pick<pg.ClientBase, 'query'>;

export const ACTOR_TYPES = ['user', 'key', 'cli', 'anonymous', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** Who acted: a signed-in user, an API key (named), a CLI user (OS user or --as), or nobody known. */
export interface Actor {
  type: ActorType;
  /** auth.user id (users and keys), else null */
  id: string | null;
  /** the user's name, the key's name (`<key name> (<user name>)`), the OS user, or the email tried */
  name: string;
}

/** Where a request came from (HTTP only). */
export interface RequestOrigin {
  requestId?: string | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export interface AuditInput extends RequestOrigin {
  actor: Actor;
  /** e.g. upload.accepted, upload.held, upload.confirmed, upload.reverted, upload.purged, target.edit, target.csv, mv.refresh, auth.sign_in, auth.sign_in_failed, user.created, user.disabled, user.password_reset, user.role_changed, key.created, key.revoked */
  action: string;
  objectType?: string | undefined;
  objectId?: string | number | bigint | undefined;
  before?: unknown;
  after?: unknown;
}

export interface AuditRow {
  id: number;
  at: Date;
  actorType: ActorType;
  actorId: string | null;
  actorName: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** Append one event. */
export async function writeAudit(q: Queryable, e: AuditInput): Promise<void> {
  await q.query(
    `INSERT INTO log.audit_event
       (actor_type, actor_id, actor_name, action, object_type, object_id, before, after, request_id, ip, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      e.actor.type,
      e.actor.id,
      e.actor.name,
      e.action,
      e.objectType ?? null,
      e.objectId === undefined ? null : String(e.objectId),
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      e.requestId ?? null,
      e.ip ?? null,
      e.userAgent ?? null,
    ],
  );
}

export interface AuditFilter {
  /** actor name (exact) */
  actor?: string | undefined;
  /** the person (auth.user id): their own events and their keys' */
  actorId?: string | undefined;
  /** action, or a prefix ending with '.' (upload.) */
  action?: string | undefined;
  /** YYYY-MM-DD, inclusive (UTC) */
  from?: string | undefined;
  to?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  limit?: number | undefined;
  /** events skipped before the first one returned (newest first; a page is offset / limit) */
  offset?: number | undefined;
}

function auditWhere(f: AuditFilter): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.actor) add('actor_name = ?', f.actor);
  if (f.actorId) add('actor_id = ?', f.actorId);
  if (f.action) {
    if (f.action.endsWith('.')) add(`starts_with(action, ?)`, f.action);
    else add('action = ?', f.action);
  }
  if (f.from) add(`at >= ?::date`, f.from);
  if (f.to) add(`at < ?::date + 1`, f.to);
  if (f.objectType) add('object_type = ?', f.objectType);
  if (f.objectId) add('object_id = ?', f.objectId);
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** How many events a filter selects (every page). */
export async function countAudit(q: Queryable, f: AuditFilter = {}): Promise<number> {
  const w = auditWhere(f);
  const { rows } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM log.audit_event ${w.sql}`, w.params);
  return rows[0]!.n;
}

/** Events newest first, filtered, one page (`limit`, default 1000, at most 10,000; `offset`). */
export async function listAudit(q: Queryable, f: AuditFilter = {}): Promise<AuditRow[]> {
  const { sql, params } = auditWhere(f);
  params.push(Math.min(f.limit ?? 1000, 10_000), f.offset ?? 0);
  const { rows } = await q.query<AuditRow>(
    `SELECT id::int, at, actor_type AS "actorType", actor_id AS "actorId", actor_name AS "actorName", action,
            object_type AS "objectType", object_id AS "objectId", before, after, request_id AS "requestId",
            ip, user_agent AS "userAgent"
       FROM log.audit_event ${sql}
      ORDER BY at DESC, id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows;
}
