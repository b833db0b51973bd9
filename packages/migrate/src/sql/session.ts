/* eslint-disable @typescript-eslint/no-explicit-any -- libpg-query returns the parse tree as untyped JSON; nodes are read by shape and every access is guarded. */
/**
 * Statements that change the session rather than the database: they outlive the migration that
 * ran them and change what the next migration on the same connection does (`SET ROLE x` makes
 * later tables owned by x, `SET session_replication_role = replica` switches foreign keys off,
 * `RESET ALL` drops the runner's lock_timeout, a temp table shadows a real one of the same name).
 *
 * Read from parse trees only (PostgreSQL's grammar), including the PL/pgSQL inside `DO` blocks
 * (libpg_query's PL/pgSQL parser): `PERFORM set_config(…)`, `SET`/`RESET` written in the body, and
 * `EXECUTE` of a string that is constant or a `||` of constants. Dynamic SQL built at run time
 * cannot be read; the runner restores the session after every migration for that (apply.ts).
 */
import { parsePlPgSQLSync, parseSync } from 'libpg-query';
import { walk, type ParsedStatement } from './parse.ts';

export type SessionRule = 'session-setting' | 'session-state' | 'runner-timeout-setting' | 'persistent-setting';

export interface SessionChange {
  rule: SessionRule;
  /** What was found, e.g. `SET ROLE (\`set role app\`)`, `set_config('x', …, false) inside DO`. */
  what: string;
}

/** The runner's own settings: a file may not set them (the header does, and the runner keeps them). */
const RUNNER_SETTINGS = new Set(['lock_timeout', 'statement_timeout']);

/** Session-level advisory lock functions: held after the migration, or release the runner's own lock. */
const SESSION_LOCK_FUNCTIONS = new Set([
  'pg_advisory_lock',
  'pg_advisory_lock_shared',
  'pg_try_advisory_lock',
  'pg_try_advisory_lock_shared',
  'pg_advisory_unlock',
  'pg_advisory_unlock_shared',
  'pg_advisory_unlock_all',
]);

const CURSOR_OPT_HOLD = 0x0020;

function short(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 60 ? `${t.slice(0, 60)}…` : t;
}

function lastName(list: unknown): string {
  const items = (list as { String?: { sval?: string } }[]) ?? [];
  return items[items.length - 1]?.String?.sval ?? '';
}

function constString(node: any): string | undefined {
  if (node?.A_Const?.sval) return String(node.A_Const.sval.sval ?? '');
  if (node?.TypeCast) return constString(node.TypeCast.arg);
  return undefined;
}

/** `true` / `false` for a boolean constant (also 't', 'on', 1…), undefined when it is not constant. */
function constBool(node: any): boolean | undefined {
  if (node?.A_Const) {
    const c = node.A_Const;
    if ('boolval' in c) return c.boolval?.boolval === true;
    if ('ival' in c) return (c.ival?.ival ?? 0) !== 0;
    if ('sval' in c) return /^(t|true|on|y|yes|1)$/i.test(String(c.sval?.sval ?? '').trim());
  }
  if (node?.TypeCast) return constBool(node.TypeCast.arg);
  return undefined;
}

/** The text of a `||` chain of string constants; `prefix` is the constant text before the first non-constant part. */
function fold(node: any): { text?: string; prefix: string } {
  const s = constString(node);
  if (s !== undefined) return { text: s, prefix: s };
  const e = node?.A_Expr;
  if (e && e.kind === 'AEXPR_OP' && lastName(e.name) === '||') {
    const l = fold(e.lexpr);
    if (l.text === undefined) return { prefix: l.prefix };
    const r = fold(e.rexpr);
    return r.text === undefined ? { prefix: l.text + r.prefix } : { text: l.text + r.text, prefix: l.text + r.text };
  }
  return { prefix: '' };
}

function isTemp(rel: any): boolean {
  return rel?.relpersistence === 't' || /^pg_temp(_\d+)?$/i.test(String(rel?.schemaname ?? ''));
}

interface Context {
  noTransaction: boolean;
  /** ` inside DO` and the like, appended to what is found below the top level. */
  where: string;
  depth: number;
}

function variableSet(n: any, text: string, ctx: Context, out: SessionChange[]): void {
  const kind = String(n.kind);
  const name = String(n.name ?? '').toLowerCase();
  const what = `\`${short(text)}\`${ctx.where}`;
  if (kind === 'VAR_SET_MULTI' && name === 'transaction') return; // SET TRANSACTION: this transaction only
  if (kind === 'VAR_RESET_ALL') {
    out.push({
      rule: ctx.noTransaction ? 'runner-timeout-setting' : 'session-setting',
      what: `RESET ALL (${what})`,
    });
    return;
  }
  if (RUNNER_SETTINGS.has(name)) {
    out.push({ rule: 'runner-timeout-setting', what: `${name} (${what})` });
    return;
  }
  if (n.is_local || ctx.noTransaction) return;
  const label =
    name === 'session characteristics'
      ? 'SET SESSION CHARACTERISTICS'
      : name === 'role'
        ? `${kind === 'VAR_RESET' ? 'RESET' : 'SET'} ROLE`
        : name === 'session_authorization'
          ? `${kind === 'VAR_RESET' ? 'RESET' : 'SET'} SESSION AUTHORIZATION`
          : `${kind === 'VAR_RESET' ? 'RESET' : 'SET'} ${name}`;
  out.push({ rule: 'session-setting', what: `${label} (${what})` });
}

/**
 * A function is named in the text as written (plain, quoted, or with U& escapes): without one of
 * these words no FuncCall can be one of ours, and the tree walk (as costly as the parse) is skipped.
 */
const MAY_CALL = /set_config|advisory|u&/i;

function functionCalls(tree: unknown, text: string, ctx: Context, out: SessionChange[]): void {
  if (!MAY_CALL.test(text)) return;
  for (const [kind, node] of walk(tree)) {
    if (kind !== 'FuncCall') continue;
    const fn = lastName(node.funcname);
    if (SESSION_LOCK_FUNCTIONS.has(fn)) {
      out.push({ rule: 'session-state', what: `${fn}() (\`${short(text)}\`${ctx.where})` });
      continue;
    }
    if (fn !== 'set_config') continue;
    const args = (node.args as any[]) ?? [];
    const named = (n: string) => args.find((a) => a?.NamedArgExpr?.name === n)?.NamedArgExpr?.arg;
    const positional = args.filter((a) => !a?.NamedArgExpr);
    const nameArg = positional[0] ?? named('setting_name');
    const localArg = positional[2] ?? named('is_local');
    const setting = constString(nameArg)?.toLowerCase();
    if (setting && RUNNER_SETTINGS.has(setting)) {
      out.push({ rule: 'runner-timeout-setting', what: `${setting} (\`${short(text)}\`${ctx.where})` });
      continue;
    }
    // is_local must be the constant true: false, or anything computed, may set it for the session
    if (constBool(localArg) !== true && !ctx.noTransaction)
      out.push({
        rule: 'session-setting',
        what: `set_config(${setting ? `'${setting}'` : '…'}, …, is_local not true) (\`${short(text)}\`${ctx.where})`,
      });
  }
}

/** The PL/pgSQL body of a DO block, checked statement by statement (and constant EXECUTE strings). */
function doBlock(n: any, ctx: Context, out: SessionChange[]): void {
  const opts = ((n.args as any[]) ?? []).map((a) => a.DefElem).filter(Boolean);
  const language = String(opts.find((d: any) => d.defname === 'language')?.arg?.String?.sval ?? 'plpgsql');
  const body = opts.find((d: any) => d.defname === 'as')?.arg?.String?.sval;
  if (language.toLowerCase() !== 'plpgsql' || typeof body !== 'string' || ctx.depth > 4) return;
  let tag = '$do$';
  for (let i = 0; body.includes(tag); i++) tag = `$do${i}$`;
  let tree: unknown;
  try {
    tree = parsePlPgSQLSync(`CREATE FUNCTION pg_temp.do_block() RETURNS void LANGUAGE plpgsql AS ${tag}${body}${tag}`);
  } catch {
    return; // PostgreSQL reports a broken body when it runs it
  }
  const inner: Context = { ...ctx, where: ' inside DO', depth: ctx.depth + 1 };
  const visit = (value: unknown, dynamic: boolean): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, dynamic);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'PLpgSQL_expr') {
        expression(v as any, dynamic, inner, out);
        continue;
      }
      // EXECUTE …, FOR … IN EXECUTE …: `query`; OPEN … FOR EXECUTE …, RETURN QUERY EXECUTE …: `dynquery`
      const executes = key === 'PLpgSQL_stmt_dynexecute' || key === 'PLpgSQL_stmt_dynfors';
      if (executes || key === 'PLpgSQL_stmt_open' || key === 'PLpgSQL_stmt_return_query') {
        for (const [k2, v2] of Object.entries((v ?? {}) as Record<string, unknown>))
          visit(v2, (executes && k2 === 'query') || k2 === 'dynquery');
        continue;
      }
      visit(v, false);
    }
  };
  visit(tree, false);
}

function parseQuiet(sql: string): { stmt: any }[] {
  try {
    return ((parseSync(sql) as { stmts?: { stmt: any }[] }).stmts ?? []).filter((s) => s.stmt);
  } catch {
    return [];
  }
}

/** One PL/pgSQL expression or SQL statement; `dynamic`: its value is SQL text for EXECUTE. */
function expression(
  expr: { query?: string; parseMode?: number },
  dynamic: boolean,
  ctx: Context,
  out: SessionChange[],
) {
  const query = String(expr.query ?? '');
  if (!expr.parseMode) {
    // a whole SQL statement written in the body (SET role x; PERFORM is `SELECT …` here)
    for (const s of parseQuiet(query)) node(s.stmt, query, ctx, out);
    return;
  }
  const value = expr.parseMode === 3 ? query.replace(/^[^:=]*:?=/, '') : query;
  const parsed = parseQuiet(`SELECT ${value}`);
  for (const s of parsed) functionCalls(s.stmt, query, ctx, out);
  if (!dynamic) return;
  const target = parsed[0]?.stmt?.SelectStmt?.targetList?.[0]?.ResTarget?.val;
  const folded = fold(target);
  if (folded.text !== undefined) {
    const stmts = parseQuiet(folded.text);
    for (const s of stmts) node(s.stmt, folded.text, { ...ctx, where: ' inside DO (EXECUTE)' }, out);
    if (stmts.length > 0) return;
  }
  // SQL built at run time: judge what its constant start says, the rest is left to the runner's reset
  const start = /^\s*(set(?!\s+local\b)|reset|discard|load|listen|prepare)\b/i.exec(folded.prefix)?.[1];
  if (start && !ctx.noTransaction)
    out.push({
      rule: /^(set|reset)/i.test(start) ? 'session-setting' : 'session-state',
      what: `EXECUTE ${short(query)} (dynamic SQL starting with ${start.toUpperCase()})${ctx.where}`,
    });
}

/** Dispatch on one statement's parse tree `{ Kind: fields }`. */
function node(stmt: Record<string, any>, text: string, ctx: Context, out: SessionChange[]): void {
  const [kind, n] = Object.entries(stmt)[0] as [string, any];
  const at = `\`${short(text)}\`${ctx.where}`;
  const state = (what: string, always = false) => {
    if (always || !ctx.noTransaction) out.push({ rule: 'session-state', what: `${what} (${at})` });
  };
  switch (kind) {
    case 'VariableSetStmt':
      variableSet(n, text, ctx, out);
      return;
    case 'DiscardStmt': {
      const target = String(n.target).replace('DISCARD_', '');
      // DISCARD ALL also releases session advisory locks: the runner's migration lock among them
      state(`DISCARD ${target}`, target === 'ALL');
      return;
    }
    case 'LoadStmt':
      state(`LOAD '${n.filename}'`, true);
      return;
    case 'ListenStmt':
      state(`LISTEN ${n.conditionname}`);
      return;
    case 'UnlistenStmt':
      state('UNLISTEN');
      return;
    case 'PrepareStmt':
      state(`PREPARE ${n.name}`);
      functionCalls(n.query, text, ctx, out);
      return;
    case 'DeallocateStmt':
      state('DEALLOCATE');
      return;
    case 'DeclareCursorStmt':
      if ((Number(n.options) & CURSOR_OPT_HOLD) !== 0) state(`DECLARE ${n.portalname} CURSOR WITH HOLD`);
      functionCalls(n.query, text, ctx, out);
      return;
    case 'CreateStmt':
      if (isTemp(n.relation) && n.oncommit !== 'ONCOMMIT_DROP')
        state(`temporary table ${n.relation?.relname} without ON COMMIT DROP`);
      break;
    case 'CreateTableAsStmt':
      if (isTemp(n.into?.rel) && n.into?.onCommit !== 'ONCOMMIT_DROP')
        state(`temporary table ${n.into?.rel?.relname} without ON COMMIT DROP`);
      break;
    case 'SelectStmt':
      if (isTemp(n.intoClause?.rel) && n.intoClause?.onCommit !== 'ONCOMMIT_DROP')
        state(`temporary table ${n.intoClause?.rel?.relname} (SELECT INTO) without ON COMMIT DROP`);
      break;
    case 'ViewStmt':
      if (isTemp(n.view)) state(`temporary view ${n.view?.relname}`);
      break;
    case 'CreateSeqStmt':
      if (isTemp(n.sequence)) state(`temporary sequence ${n.sequence?.relname}`);
      break;
    case 'DoStmt':
      doBlock(n, ctx, out);
      return;
    case 'AlterRoleSetStmt':
    case 'AlterDatabaseSetStmt':
    case 'AlterSystemStmt':
      out.push({
        rule: 'persistent-setting',
        what: `${kind === 'AlterRoleSetStmt' ? 'ALTER ROLE … SET' : kind === 'AlterDatabaseSetStmt' ? 'ALTER DATABASE … SET' : 'ALTER SYSTEM'} (${at})`,
      });
      return;
  }
  functionCalls(n, text, ctx, out);
}

/**
 * Session changes in one parsed statement of a migration. In a transactional file every
 * session-level SET/RESET, set_config(…, false), DISCARD, LOAD, LISTEN, PREPARE, cursor WITH HOLD,
 * temporary relation that outlives the commit and session advisory lock is one; `SET LOCAL`,
 * `set_config(…, true)`, `SET TRANSACTION` and `CREATE TEMP TABLE … ON COMMIT DROP` are not. A
 * no-transaction file has no transaction to make a setting local, so there only what the runner
 * cannot undo (LOAD, DISCARD ALL, session advisory locks) or what overrides its own settings
 * (lock_timeout, statement_timeout, RESET ALL) is one; the rest the runner resets after the file.
 *
 * @example
 * const [s] = await parseSql('set role app');
 * sessionChanges(s, { noTransaction: false }); // [{ rule: 'session-setting', what: 'SET ROLE (`set role app`)' }]
 */
export function sessionChanges(stmt: ParsedStatement, options: { noTransaction: boolean }): SessionChange[] {
  const out: SessionChange[] = [];
  node({ [stmt.kind]: stmt.node }, stmt.text, { noTransaction: options.noTransaction, where: '', depth: 0 }, out);
  return out;
}
