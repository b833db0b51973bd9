/**
 * Split SQL into top-level statements with PostgreSQL's own parser (see `../sql/parse.ts`): a `;`
 * inside strings, comments, `$$` bodies or `BEGIN ATOMIC … END` bodies never splits. Used for
 * `-- migrate:no-transaction` files, whose statements are sent one by one (PostgreSQL runs a
 * multi-statement simple query as one implicit transaction, which CREATE INDEX CONCURRENTLY refuses).
 */
import { parseSql } from './sql/parse.ts';

export interface SqlStatement {
  /** The statement without leading comments and without its `;`. */
  text: string;
  /** UTF-16 index of the statement's first token in the source text (for error positions). */
  offset: number;
}

/** Throws SqlParseError (E_SQL_PARSE, with line and column) when the text is not valid SQL. */
export async function splitStatements(sql: string, file?: string): Promise<SqlStatement[]> {
  return (await parseSql(sql, file)).map((s) => ({ text: s.text, offset: s.offset }));
}
