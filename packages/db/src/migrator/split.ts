/**
 * Split SQL text into top-level statements, aware of '…' and E'…' strings, "…" identifiers,
 * $tag$…$tag$ bodies, -- and nested /* … *\/ comments. Used only for `-- migrate:no-transaction`
 * files: PostgreSQL runs a multi-statement simple query as one implicit transaction, so
 * CREATE INDEX CONCURRENTLY must be sent on its own.
 *
 * Not handled: SQL-standard function bodies (`BEGIN ATOMIC … END`) whose inner statements end
 * with `;` — put those in a transactional migration.
 */
export interface SqlStatement {
  text: string;
  /** Offset of the statement's first character in the source text (for error positions). */
  offset: number;
}

export function splitStatements(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  const push = (end: number) => {
    const piece = sql.slice(start, end);
    if (hasCode(piece)) {
      const lead = piece.length - piece.trimStart().length;
      out.push({ text: piece.trim(), offset: start + lead });
    }
  };
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? n : nl + 1;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') (depth++, (i += 2));
        else if (sql[i] === '*' && sql[i + 1] === '/') (depth--, (i += 2));
        else i++;
      }
    } else if (c === "'") {
      const escapes = i > 0 && /[eE]/.test(sql[i - 1]!) && (i < 2 || !/[A-Za-z0-9_]/.test(sql[i - 2]!));
      i++;
      while (i < n) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
    } else if (c === '"') {
      i++;
      while (i < n) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') break;
        else i++;
      }
      i++;
    } else if (c === '$' && !(i > 0 && /[A-Za-z0-9_]/.test(sql[i - 1]!))) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (m) {
        const tag = m[0];
        const close = sql.indexOf(tag, i + tag.length);
        i = close === -1 ? n : close + tag.length;
      } else i++;
    } else if (c === ';') {
      push(i + 1);
      start = i + 1;
      i++;
    } else i++;
  }
  push(n);
  return out;
}

/** True when the text holds something other than whitespace, comments and semicolons. */
function hasCode(text: string): boolean {
  const stripped = text
    .replace(/--[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/[;\s]/g, '');
  return stripped.length > 0;
}
