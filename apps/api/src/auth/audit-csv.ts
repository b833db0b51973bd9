import type { AuditRow } from '@warehouse/db/accounts';

const cell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  // A leading = + - @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The audit events as CSV with a BOM (Excel reads UTF-8 Japanese names with it). */
export function auditCsv(rows: AuditRow[]): string {
  const head = [
    'at',
    'actor_type',
    'actor',
    'action',
    'object_type',
    'object_id',
    'before',
    'after',
    'request_id',
    'ip',
    'user_agent',
  ];
  const lines = rows.map((e) =>
    [
      e.at.toISOString(),
      e.actorType,
      e.actorName,
      e.action,
      e.objectType,
      e.objectId,
      e.before,
      e.after,
      e.requestId,
      e.ip,
      e.userAgent,
    ]
      .map(cell)
      .join(','),
  );
  return `\uFEFF${[head.join(','), ...lines].join('\r\n')}\r\n`;
}
