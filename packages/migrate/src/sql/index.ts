/**
 * SQL read with PostgreSQL's own parser (libpg_query as WebAssembly).
 *
 * @example
 * import { parseSql, locksTaken } from '@warehouse/migrate/sql';
 * for (const s of await parseSql('alter table s.t add column c int')) console.log(s.kind, locksTaken(s));
 */
export { parseSql, walk, lineAt, SqlParseError, type ParsedStatement, type AstNode } from './parse.ts';
export {
  transactionControl,
  concurrently,
  locksTaken,
  referencedRelations,
  createdRelation,
  type LockTaken,
  type LockMode,
} from './statements.ts';
export { sessionChanges, type SessionChange, type SessionRule } from './session.ts';
