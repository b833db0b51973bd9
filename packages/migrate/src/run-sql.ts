/** Fields node-pg copies from a PostgreSQL ErrorResponse. */
interface PgErrorFields {
  message: string;
  code?: string;
  position?: string;
  internalPosition?: string;
  internalQuery?: string;
  where?: string;
  detail?: string;
  hint?: string;
}

/** 1-based line and column of a 1-based character position in `text`. */
export function lineAndColumn(text: string, position: number): { line: number; column: number; source: string } {
  const chars = [...text]; // PostgreSQL counts characters, not UTF-16 units
  const before = chars.slice(0, Math.max(0, position - 1)).join('');
  const lines = before.split('\n');
  const line = lines.length;
  const column = lines[lines.length - 1]!.length + 1;
  const source = (text.split('\n')[line - 1] ?? '').replace(/\r$/, '');
  return { line, column, source };
}

/**
 * The text stored in `_prisma_migrations.logs` and shown to the user for a failed file:
 * the server's message, SQLSTATE, and where in migration.sql it happened.
 */
export function formatSqlError(error: unknown, file: string, sql: string, statementOffset?: number): string {
  const e = error as PgErrorFields;
  const parts = [`ERROR: ${e?.message ?? String(error)}`];
  if (e?.code) parts.push(`SQLSTATE: ${e.code}`);
  if (e?.position) {
    const at = lineAndColumn(sql, Number(e.position) + (statementOffset ?? 0));
    parts.push(
      `at ${file} line ${at.line}, column ${at.column}:`,
      `  ${at.source}`,
      `  ${' '.repeat(Math.max(0, at.column - 1))}^`,
    );
  } else if (statementOffset !== undefined) {
    // No position from the server: name the statement (no-transaction files run one by one).
    const at = lineAndColumn(sql, statementOffset + 1);
    parts.push(`in the statement at ${file} line ${at.line}:`, `  ${at.source}`);
  }
  if (e?.detail) parts.push(`DETAIL: ${e.detail}`);
  if (e?.hint) parts.push(`HINT: ${e.hint}`);
  if (e?.where) parts.push(`CONTEXT: ${e.where}`);
  if (e?.internalQuery)
    parts.push(`QUERY: ${e.internalQuery}${e.internalPosition ? ` (position ${e.internalPosition})` : ''}`);
  return parts.join('\n');
}
