/**
 * SQL parsed with PostgreSQL's own grammar (libpg_query compiled to WebAssembly, the npm package
 * `libpg-query`: no native build, no download at install, the same parser on every Node version).
 * Statement boundaries, kinds and object names come from the parse tree, so `;` inside strings,
 * comments, `$$` bodies and `BEGIN ATOMIC … END` bodies never splits a statement.
 */
import { parse as pgParse } from 'libpg-query';
import { DbError } from '@warehouse/db';

/** One node of the parse tree as JSON: `{ KindName: { …fields } }`. */
export type AstNode = Record<string, unknown>;

export interface ParsedStatement {
  /** The statement's text without leading comments and without its terminating `;`. */
  text: string;
  /** UTF-16 index of the statement's first token in the source text. */
  offset: number;
  /** 1-based line of the statement's first token. */
  line: number;
  /** Node kind: `CreateStmt`, `IndexStmt`, `TransactionStmt`, … */
  kind: string;
  /** The node's fields (the value under `kind`). */
  node: Record<string, unknown>;
  /**
   * Comments between the previous statement and this one, and those after this one on the line
   * where it ends (each without `--` / `/* *\/`).
   */
  leadingComments: { text: string; line: number }[];
}

export interface SqlParseErrorInfo {
  message: string;
  line: number;
  column: number;
}

/** Parse failed: `info` has the server-style message and where (1-based line and column). */
export class SqlParseError extends DbError {
  readonly info: SqlParseErrorInfo;
  constructor(file: string, info: SqlParseErrorInfo) {
    super(
      'E_SQL_PARSE',
      `${file} line ${info.line}, column ${info.column}: ${info.message} (PostgreSQL's parser could not read it; fix the SQL — nothing was run)`,
    );
    this.info = info;
  }
}

/** 1-based line of a UTF-16 index. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Skip whitespace and comments from `i`; returns the index of the first token and the comments seen. */
function skipTrivia(
  text: string,
  i: number,
  end: number,
  semicolons = false,
): { at: number; comments: { start: number; text: string }[] } {
  const comments: { start: number; text: string }[] = [];
  while (i < end) {
    const ch = text[i]!;
    if (
      (semicolons && ch === ';') ||
      ch === ' ' ||
      ch === '\t' ||
      ch === '\n' ||
      ch === '\r' ||
      ch === '\f' ||
      ch === '\v' ||
      ch === '\uFEFF'
    )
      i++;
    else if (ch === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      const stop = nl === -1 || nl > end ? end : nl;
      comments.push({ start: i, text: text.slice(i + 2, stop).trim() });
      i = stop;
    } else if (ch === '/' && text[i + 1] === '*') {
      // the grammar already accepted the text, so the comment is closed; nested comments nest
      const start = i;
      let depth = 1;
      i += 2;
      while (i < end && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      comments.push({ start, text: text.slice(start + 2, i - 2).trim() });
    } else break;
  }
  return { at: i, comments };
}

/** Map UTF-8 byte offsets (what libpg_query reports) to UTF-16 indexes, walking forward once. */
function byteToIndexMapper(text: string): (byte: number) => number {
  let byte = 0;
  let index = 0;
  return (target: number) => {
    if (target < byte) {
      byte = 0;
      index = 0;
    }
    while (byte < target && index < text.length) {
      const cp = text.codePointAt(index)!;
      byte += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      index += cp >= 0x10000 ? 2 : 1;
    }
    return index;
  };
}

/**
 * Parse SQL text into top-level statements with their kind, parse tree, position and leading
 * comments. Throws SqlParseError (E_SQL_PARSE) naming `file`, line and column when the text is not
 * valid SQL for PostgreSQL's grammar.
 *
 * @example
 * const stmts = await parseSql('create index concurrently i on t (a); select 1;', 'x.sql');
 * stmts.map((s) => s.kind); // ['IndexStmt', 'SelectStmt']
 */
export async function parseSql(sql: string, file = 'SQL'): Promise<ParsedStatement[]> {
  let result: Awaited<ReturnType<typeof pgParse>>;
  try {
    result = await pgParse(sql);
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    // cursorPosition counts characters (code points) from 0
    const chars = [...sql];
    const pos = Math.max(0, Math.min(details?.cursorPosition ?? 0, chars.length));
    const before = chars.slice(0, pos).join('');
    const lines = before.split('\n');
    throw new SqlParseError(file, {
      message: (error as Error).message,
      line: lines.length,
      column: [...lines[lines.length - 1]!].length + 1,
    });
  }
  const toIndex = byteToIndexMapper(sql);
  const out: ParsedStatement[] = [];
  let line = 1;
  let lineCountedTo = 0;
  const lineOf = (index: number) => {
    // statements come in order, so count newlines incrementally
    for (let i = sql.indexOf('\n', lineCountedTo); i !== -1 && i < index; i = sql.indexOf('\n', i + 1)) line++;
    lineCountedTo = Math.max(lineCountedTo, index);
    return line;
  };
  let prevEnd = 0;
  let prevEndLine = 0;
  for (const raw of result.stmts ?? []) {
    const startByte = raw.stmt_location ?? 0;
    const start = toIndex(startByte);
    const end = raw.stmt_len ? toIndex(startByte + raw.stmt_len) : sql.length;
    // Between the previous statement and this one: `;`, whitespace and comments. A comment on the
    // line where the previous statement ended belongs to it; the others lead this one.
    const gap = skipTrivia(sql, prevEnd, start, true);
    const leadingComments: { text: string; line: number }[] = [];
    for (const cm of gap.comments) {
      const cmLine = lineOf(cm.start);
      if (cmLine === prevEndLine && out.length > 0)
        out[out.length - 1]!.leadingComments.push({ text: cm.text, line: cmLine });
      else leadingComments.push({ text: cm.text, line: cmLine });
    }
    const trivia = skipTrivia(sql, start, end);
    const [kind, node] = Object.entries(raw.stmt as AstNode)[0] as [string, Record<string, unknown>];
    const text = sql.slice(trivia.at, end).trimEnd();
    out.push({ text, offset: trivia.at, line: lineOf(trivia.at), kind, node, leadingComments });
    prevEnd = end;
    prevEndLine = lineOf(trivia.at + text.length);
  }
  if (out.length > 0) {
    for (const cm of skipTrivia(sql, prevEnd, sql.length, true).comments) {
      const cmLine = lineOf(cm.start);
      if (cmLine === prevEndLine) out[out.length - 1]!.leadingComments.push({ text: cm.text, line: cmLine });
    }
  }
  return out;
}

/**
 * Every node of a parse tree, depth first, as `[kind, fields]` (e.g. every `RangeVar`).
 * Function bodies given as strings (`AS $$ … $$`) are strings in the tree: nothing inside them is visited.
 */
export function* walk(value: unknown): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(value)) {
    for (const v of value) yield* walk(v);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k[0]! >= 'A' && k[0]! <= 'Z' && v && typeof v === 'object' && !Array.isArray(v)) {
        yield [k, v as Record<string, unknown>];
      }
      yield* walk(v);
    }
  }
}

/** `schema.name` (or `name`) of a RangeVar. */
export function rangeVarName(rv: unknown): string {
  const r = (rv ?? {}) as { schemaname?: string; relname?: string };
  return r.schemaname ? `${r.schemaname}.${r.relname}` : String(r.relname);
}

/** Names from a `[{ String: { sval } }, …]` list, dotted. */
export function dottedName(list: unknown): string {
  return ((list as { String?: { sval?: string } }[]) ?? []).map((x) => x.String?.sval ?? '?').join('.');
}
