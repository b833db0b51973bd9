/* eslint-disable @typescript-eslint/no-explicit-any -- libpg-query returns the parse tree as untyped JSON (no published types for v18's tree here); nodes are read by shape and every access is guarded. */
/**
 * The migration linter's rules. Each looks at parse trees only (PostgreSQL's own grammar), so
 * text inside strings, comments and `$$` bodies never triggers one.
 */
import { rangeVarName, walk, type ParsedStatement } from '../sql/parse.ts';
import { cmds, concurrently, createdRelation, referencedRelations, transactionControl } from '../sql/statements.ts';
import { sessionChanges } from '../sql/session.ts';

export type Severity = 'error' | 'warning';

export interface RuleInfo {
  severity: Severity;
  /** Why it matters on a busy production database. */
  why: string;
  /** The safer recipe. */
  fix: string;
}

export const RULES = {
  'drop-cascade': {
    severity: 'error',
    why: 'CASCADE silently drops every dependant (views, MVs, foreign keys), including ones nobody meant to touch',
    fix: 'drop the dependants explicitly (and recreate them) and drop without CASCADE, so an unexpected dependant fails the migration instead',
  },
  'transaction-control': {
    severity: 'error',
    why: 'the runner runs the file in one transaction; a COMMIT keeps the first part whatever happens later, a ROLLBACK records the migration as applied with nothing done',
    fix: 'remove BEGIN/COMMIT/ROLLBACK/SAVEPOINT…: the whole file commits or rolls back as one; or make the file `-- migrate:no-transaction`',
  },
  'transaction-control-in-no-transaction': {
    severity: 'error',
    why: 'a no-transaction file runs statement by statement, each committing on its own, and is recorded after its last: a BEGIN without COMMIT takes the rest of the file and its history row into a transaction nobody commits (printed ✓, nothing kept); the runner refuses the file',
    fix: 'remove BEGIN/COMMIT/ROLLBACK/SAVEPOINT…; put statements that must commit together in a transactional migration of their own (without the `-- migrate:no-transaction` header)',
  },
  'session-setting': {
    severity: 'error',
    why: 'a session-level SET/RESET (SET ROLE, SET SESSION AUTHORIZATION, SET SESSION CHARACTERISTICS, RESET ALL, set_config(…, false), also inside DO) outlives the migration: the ones after it run with it (SET ROLE makes their tables owned by that role, session_replication_role = replica switches foreign keys off); the runner refuses the file',
    fix: "SET LOCAL … (or set_config(…, true)): it ends with the migration's transaction; a lasting default for everyone belongs in ALTER DATABASE/ROLE … SET",
  },
  'session-state': {
    severity: 'error',
    why: "DISCARD, LOAD, LISTEN, PREPARE, cursors WITH HOLD, temporary tables/views/sequences that outlive the commit and session-level advisory locks stay with the runner's connection after the migration (a temporary table hides a real one of the same name from later migrations; DISCARD ALL and pg_advisory_unlock_all() release the runner's migration lock); the runner refuses the file",
    fix: 'temporary tables ON COMMIT DROP; pg_advisory_xact_lock() instead of pg_advisory_lock(); no DISCARD, LOAD, LISTEN, PREPARE or WITH HOLD cursor in a migration',
  },
  'runner-timeout-setting': {
    severity: 'error',
    why: "lock_timeout and statement_timeout are the runner's (--ddl-lock-timeout, its retries and the name of the blocking session depend on them): a file that sets or resets them — SET LOCAL, set_config, RESET ALL in a no-transaction file — can wait for a lock for ever while every reader queues behind it; the runner refuses the file",
    fix: 'the header `-- migrate:ddl-lock-timeout 30s` or `-- migrate:statement-timeout 10min` (or --ddl-lock-timeout for the run)',
  },
  'persistent-setting': {
    severity: 'warning',
    why: "ALTER DATABASE/ROLE … SET and ALTER SYSTEM change every future session of that database or role — the API's, the refresher's, the next migration run's — not only this migration",
    fix: 'make sure it is meant for every session, then silence with the reason: `-- lint:ignore persistent-setting: why`',
  },
  'concurrently-in-transaction': {
    severity: 'error',
    why: 'CONCURRENTLY cannot run inside a transaction block: the migration fails at deploy',
    fix: 'put the statement in its own migration headed `-- migrate:no-transaction`',
  },
  'refresh-materialized-view': {
    severity: 'error',
    why: 'REFRESH inside a migration holds locks for the whole refresh and competes with the refresher, which owns refreshes and their history',
    fix: 'create the MV WITH DATA (or WITH NO DATA) and let the refresher (`pnpm mv:refresh`) refresh it',
  },
  'index-without-concurrently': {
    severity: 'warning',
    why: 'CREATE INDEX on an existing table takes a SHARE lock: every INSERT/UPDATE/DELETE waits until the index is built',
    fix: 'CREATE INDEX CONCURRENTLY in a `-- migrate:no-transaction` migration (check afterwards that it is valid)',
  },
  'drop-index-without-concurrently': {
    severity: 'warning',
    why: 'DROP INDEX takes ACCESS EXCLUSIVE on its table: reads and writes wait',
    fix: 'DROP INDEX CONCURRENTLY in a `-- migrate:no-transaction` migration',
  },
  'alter-column-type': {
    severity: 'warning',
    why: 'changing a column type usually rewrites the table and its indexes under ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite',
    fix: 'add a new column, backfill it in batches, switch readers and writers, then drop the old one (or check that the cast is binary-compatible, e.g. varchar(n) → text)',
  },
  'set-not-null': {
    severity: 'warning',
    why: 'SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) already proves it',
    fix: 'ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c (SHARE UPDATE EXCLUSIVE, writes go on); then SET NOT NULL and drop the check',
  },
  'add-column-rewrite': {
    severity: 'warning',
    why: 'a column with a volatile default (random(), clock_timestamp(), gen_random_uuid(), serial, identity, GENERATED … STORED) rewrites the whole table under ACCESS EXCLUSIVE',
    fix: 'add the column without a default (or with a constant/stable one like now()), backfill in batches, then SET DEFAULT for new rows',
  },
  'constraint-without-not-valid': {
    severity: 'warning',
    why: 'adding a FOREIGN KEY or CHECK validates every row while holding its lock (writes wait, and for a foreign key on both tables)',
    fix: 'ADD CONSTRAINT … NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT … (a weaker lock) in the same or a later migration',
  },
  'add-unique-without-index': {
    severity: 'warning',
    why: 'ADD PRIMARY KEY / UNIQUE builds the index under ACCESS EXCLUSIVE: reads and writes wait for the build',
    fix: 'CREATE UNIQUE INDEX CONCURRENTLY first (no-transaction migration), then ADD CONSTRAINT … USING INDEX',
  },
  'view-without-requires': {
    severity: 'warning',
    why: 'a view or MV over relations made by other migrations fails with a bare "does not exist" when they are missing or run out of order',
    fix: 'list them in the header: `-- requires: schema.relation, …` (the runner checks it first and names the migration that creates each)',
  },
  'rename-relation-or-column': {
    severity: 'warning',
    why: 'a rename breaks every running client that still uses the old name (the API, the refresher, reports) the moment it commits',
    fix: 'add the new name (a view or a new column kept in sync), move the clients over, then drop the old one in a later migration',
  },
  'drop-data': {
    severity: 'warning',
    why: 'DROP TABLE, DROP COLUMN and TRUNCATE lose data that down.sql cannot bring back',
    fix: 'take a backup (`pnpm db:backup`) and make sure no client still uses it; silence with a reason once you have',
  },
  'missing-down-sql': {
    severity: 'warning',
    why: 'without down.sql `pnpm db:rollback` cannot undo the migration',
    fix: 'add down.sql beside migration.sql with the statements that undo it',
  },
  'parse-error': {
    severity: 'error',
    why: 'PostgreSQL cannot parse the file: the migration fails at deploy',
    fix: 'fix the SQL at the line shown',
  },
  'ignore-without-reason': {
    severity: 'error',
    why: 'a silenced rule without a reason hides a risk from the next reviewer',
    fix: 'write the reason: `-- lint:ignore RULE: why it is safe here`',
  },
  'ignore-unknown-rule': {
    severity: 'error',
    why: 'a misspelt rule silences nothing',
    fix: 'use a rule name from `pnpm db:lint --help`',
  },
  'ignore-unused': {
    severity: 'warning',
    why: 'the silenced rule does not fire on this statement: the comment is stale or on the wrong statement',
    fix: 'remove the comment, or put it directly above the statement it is about',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

export interface RawFinding {
  rule: RuleId;
  line: number;
  /** What exactly was found. */
  message: string;
}

export interface FileContext {
  noTransaction: boolean;
  requires: string[];
}

const VOLATILE = new Set([
  'random',
  'clock_timestamp',
  'timeofday',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'nextval',
  'setval',
  'txid_current',
  'random_normal',
]);
const SERIAL = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

function lastName(list: unknown): string {
  const items = (list as { String?: { sval?: string } }[]) ?? [];
  return items[items.length - 1]?.String?.sval ?? '';
}

/** Why adding this column rewrites the table, or undefined. */
function rewriteReason(columnDef: Record<string, any>): string | undefined {
  if (SERIAL.has(lastName(columnDef.typeName?.names)))
    return `type ${lastName(columnDef.typeName?.names)} (a nextval() default)`;
  for (const c of columnDef.constraints ?? []) {
    const con = c.Constraint ?? {};
    if (con.contype === 'CONSTR_IDENTITY') return 'an identity column';
    if (con.contype === 'CONSTR_GENERATED') return 'a stored generated column';
    if (con.contype === 'CONSTR_DEFAULT') {
      for (const [k, node] of walk(con.raw_expr)) {
        if (k === 'FuncCall' && VOLATILE.has(lastName(node.funcname)))
          return `default ${lastName(node.funcname)}() (volatile)`;
      }
    }
  }
  return undefined;
}

/** Findings for one file's statements (before silencing). */
export function checkStatements(statements: ParsedStatement[], ctx: FileContext): RawFinding[] {
  const out: RawFinding[] = [];
  const created = new Set<string>();
  /** Tables with a validated NOT NULL check (or a validated constraint) seen earlier in the file. */
  const proven = new Map<string, Set<string>>();
  const requires = new Set(ctx.requires.map((r) => r.replace(/"/g, '')));
  const requiredByName = new Set(ctx.requires.map((r) => r.replace(/"/g, '').split('.').pop()!));
  const add = (rule: RuleId, s: ParsedStatement, message: string) => out.push({ rule, line: s.line, message });

  for (const s of statements) {
    const n = s.node as Record<string, any>;
    const tc = transactionControl(s);
    if (tc && !ctx.noTransaction) add('transaction-control', s, `${tc} in a transactional migration`);
    if (tc && ctx.noTransaction) add('transaction-control-in-no-transaction', s, `${tc} in a no-transaction migration`);
    for (const c of sessionChanges(s, { noTransaction: ctx.noTransaction })) add(c.rule, s, c.what);
    if (concurrently(s) && !ctx.noTransaction)
      add(
        'concurrently-in-transaction',
        s,
        `${s.kind === 'IndexStmt' ? 'CREATE INDEX' : s.kind === 'DropStmt' ? 'DROP INDEX' : s.kind === 'ReindexStmt' ? 'REINDEX' : s.kind === 'RefreshMatViewStmt' ? 'REFRESH MATERIALIZED VIEW' : 'ALTER TABLE'} CONCURRENTLY in a transactional migration`,
      );
    if (s.kind === 'RefreshMatViewStmt')
      add('refresh-materialized-view', s, `REFRESH MATERIALIZED VIEW ${rangeVarName(n.relation)}`);

    if (s.kind === 'DropStmt') {
      const names = (n.objects ?? []).map((o: any) =>
        (o.List?.items ?? [o]).map((x: any) => x.String?.sval ?? '?').join('.'),
      );
      const what = String(n.removeType)
        .replace(/^OBJECT_/, '')
        .toLowerCase()
        .replace('matview', 'materialized view')
        .replace('_', ' ');
      if (n.behavior === 'DROP_CASCADE')
        add('drop-cascade', s, `DROP ${what.toUpperCase()} ${names.join(', ')} CASCADE`);
      if (n.removeType === 'OBJECT_INDEX' && !n.concurrent) {
        const fresh = names.filter((x: string) => !created.has(x));
        if (fresh.length)
          add('drop-index-without-concurrently', s, `DROP INDEX ${fresh.join(', ')} without CONCURRENTLY`);
      }
      if (n.removeType === 'OBJECT_TABLE') {
        const old = names.filter((x: string) => !created.has(x));
        if (old.length) add('drop-data', s, `DROP TABLE ${old.join(', ')}`);
      }
    }
    if (s.kind === 'TruncateStmt') {
      const rels = (n.relations ?? []).map((r: any) => rangeVarName(r.RangeVar));
      if (n.behavior === 'DROP_CASCADE') add('drop-cascade', s, `TRUNCATE ${rels.join(', ')} CASCADE`);
      add('drop-data', s, `TRUNCATE ${rels.join(', ')}`);
    }
    if (s.kind === 'IndexStmt' && !n.concurrent) {
      const rel = rangeVarName(n.relation);
      if (!created.has(rel))
        add(
          'index-without-concurrently',
          s,
          `CREATE ${n.unique ? 'UNIQUE ' : ''}INDEX on existing ${rel} without CONCURRENTLY`,
        );
    }
    if (s.kind === 'AlterTableStmt') {
      const rel = rangeVarName(n.relation);
      const existing = !created.has(rel);
      for (const c of cmds(s)) {
        if (c.behavior === 'DROP_CASCADE')
          add(
            'drop-cascade',
            s,
            `ALTER TABLE ${rel} ${c.subtype === 'AT_DropColumn' ? 'DROP COLUMN' : 'DROP CONSTRAINT'} ${c.name} CASCADE`,
          );
        if (!existing) continue;
        const def = c.def as Record<string, any> | undefined;
        switch (c.subtype) {
          case 'AT_AlterColumnType':
            add('alter-column-type', s, `ALTER TABLE ${rel} ALTER COLUMN ${c.name} TYPE …`);
            break;
          case 'AT_SetNotNull':
            if (!proven.get(rel)?.has(c.name!) && !proven.get(rel)?.has('*'))
              add('set-not-null', s, `ALTER TABLE ${rel} ALTER COLUMN ${c.name} SET NOT NULL`);
            break;
          case 'AT_AddColumn': {
            const why = rewriteReason(def?.ColumnDef ?? {});
            if (why)
              add('add-column-rewrite', s, `ALTER TABLE ${rel} ADD COLUMN ${def?.ColumnDef?.colname} with ${why}`);
            break;
          }
          case 'AT_AddConstraint': {
            const con = def?.Constraint ?? {};
            if ((con.contype === 'CONSTR_FOREIGN' || con.contype === 'CONSTR_CHECK') && !con.skip_validation) {
              add(
                'constraint-without-not-valid',
                s,
                `ALTER TABLE ${rel} ADD ${con.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK'}${con.conname ? ` ${con.conname}` : ''} without NOT VALID`,
              );
            }
            if ((con.contype === 'CONSTR_PRIMARY' || con.contype === 'CONSTR_UNIQUE') && !con.indexname) {
              add(
                'add-unique-without-index',
                s,
                `ALTER TABLE ${rel} ADD ${con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE'} without USING INDEX`,
              );
            }
            if (!con.skip_validation) {
              for (const [k, node] of walk(def))
                if (k === 'NullTest' && node.nulltesttype === 'IS_NOT_NULL')
                  proven.set(rel, (proven.get(rel) ?? new Set()).add(lastName((node.arg as any)?.ColumnRef?.fields)));
            }
            break;
          }
          case 'AT_ValidateConstraint':
            proven.set(rel, (proven.get(rel) ?? new Set()).add('*'));
            break;
          case 'AT_DropColumn':
            add('drop-data', s, `ALTER TABLE ${rel} DROP COLUMN ${c.name}`);
            break;
        }
      }
    }
    if (
      s.kind === 'RenameStmt' &&
      ['OBJECT_TABLE', 'OBJECT_COLUMN', 'OBJECT_VIEW', 'OBJECT_MATVIEW'].includes(String(n.renameType))
    ) {
      const rel = rangeVarName(n.relation);
      if (!created.has(rel))
        add(
          'rename-relation-or-column',
          s,
          `RENAME ${n.renameType === 'OBJECT_COLUMN' ? `COLUMN ${rel}.${n.subname}` : rel} TO ${n.newname}`,
        );
    }
    if (s.kind === 'ViewStmt' || (s.kind === 'CreateTableAsStmt' && n.objtype === 'OBJECT_MATVIEW')) {
      const query = n.query;
      const missing = referencedRelations(query).filter(
        (r) => !created.has(r) && !requires.has(r) && !(!r.includes('.') && requiredByName.has(r)),
      );
      if (missing.length)
        add(
          'view-without-requires',
          s,
          `${s.kind === 'ViewStmt' ? 'view' : 'materialized view'} ${createdRelation(s)} reads ${missing.join(', ')}, not in its \`-- requires:\` header`,
        );
    }
    const made = createdRelation(s);
    if (made) created.add(made);
    if (s.kind === 'IndexStmt' && n.idxname)
      created.add(n.relation?.schemaname ? `${n.relation.schemaname}.${n.idxname}` : String(n.idxname));
  }
  return out;
}
