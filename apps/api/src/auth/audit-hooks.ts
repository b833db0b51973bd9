/**
 * What the data routes call to record who did what (log.audit_event), always on the client of the
 * action's own transaction, and the rule that staff undo or confirm only their own uploads.
 */
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { writeAudit, type AuditInput } from '@warehouse/db/accounts';
import { HttpError } from '../http-error.ts';
import { actorOf } from './principal.ts';
import { originOf } from './routes.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** Append an event for this request's principal (inside the caller's transaction). */
export function auditRequest(q: Queryable, req: FastifyRequest, e: Omit<AuditInput, 'actor'>): Promise<void> {
  return writeAudit(q, { actor: actorOf(req.principal), ...originOf(req), ...e });
}

/**
 * The name kpi.target_edit records: a signed-in person's own name, whatever was typed. A script's
 * API key (or sign-in off) sends the name typed for it, required as before (one key may run for
 * several people; the audit event names the key either way). Blank is refused so the history says who.
 */
export function editorName(req: FastifyRequest, typed: string | undefined): string {
  if (req.principal?.via === 'session') return req.principal.name;
  const editor = (typed ?? '').trim();
  if (!editor)
    throw new HttpError(400, 'E_EDITOR', 'editor is blank; type your name so the history shows who changed the target');
  return editor;
}

/** Who uploaded an upload (its upload.accepted event), or undefined for one from before accounts. */
export async function uploaderOf(
  q: Queryable,
  uploadId: number,
): Promise<{ id: string | null; name: string } | undefined> {
  const { rows } = await q.query<{ id: string | null; name: string }>(
    `SELECT actor_id AS id, actor_name AS name FROM log.audit_event
      WHERE action = 'upload.accepted' AND object_type = 'upload' AND object_id = $1 ORDER BY id LIMIT 1`,
    [String(uploadId)],
  );
  return rows[0];
}

/** Staff may undo or confirm only uploads they made; admins (and sign-in off) anyone's. */
export async function requireOwnUpload(
  q: Queryable,
  req: FastifyRequest,
  uploadId: number,
  verb: string,
): Promise<void> {
  const p = req.principal;
  if (!p || p.role === 'admin') return;
  // An upload that does not exist is the operation's 404, not a refusal.
  const { rowCount } = await q.query('SELECT 1 FROM log.upload_file WHERE id = $1', [uploadId]);
  if (!rowCount) return;
  const by = await uploaderOf(q, uploadId);
  if (by?.id === p.userId) return;
  throw new HttpError(
    403,
    'E_NOT_YOUR_UPLOAD',
    `upload ${uploadId} was uploaded by ${by?.name ?? 'someone before sign-in existed'}; staff ${verb} only their own uploads — ask an admin`,
    { requiredRole: 'admin', uploadedBy: by?.name ?? null },
  );
}
