/**
 * The migration linter: `pnpm db:lint`. Rules in `rules.ts`; a rule is silenced for one statement
 * by a comment right above it that gives a reason:
 *
 *   -- lint:ignore index-without-concurrently: the table is created empty by the previous migration
 *   CREATE INDEX t_a_idx ON s.t (a);
 *
 * @example
 * import { lintDir } from '@warehouse/migrate/lint';
 * const { findings } = await lintDir();
 * for (const f of findings) console.log(`${f.file}:${f.line} ${f.severity} ${f.rule}: ${f.message}`);
 */
import { DEFAULT_MIGRATIONS_DIR, parseHeaders, readMigrations } from '../files.ts';
import { parseSql, SqlParseError, type ParsedStatement } from '../sql/parse.ts';
import { checkStatements, RULES, type RawFinding, type RuleId, type Severity } from './rules.ts';

export { RULES, type RuleId, type Severity } from './rules.ts';

export interface Finding {
  file: string;
  line: number;
  rule: RuleId;
  severity: Severity;
  /** What was found, e.g. `DROP VIEW mart.v CASCADE`. */
  message: string;
  why: string;
  fix: string;
}

export interface LintInput {
  /** Shown in findings, e.g. `20250101000000_x/migration.sql`. */
  file: string;
  sql: string;
  /** Parsed statements, when the caller has them already. */
  statements?: ParsedStatement[];
  noTransaction: boolean;
  requires: string[];
  /** Whether down.sql exists beside it (undefined: not checked). */
  hasDown?: boolean;
}

const IGNORE = /^lint:ignore\b\s*([^:]*?)\s*(?::\s*(.*))?$/i;

function finding(file: string, raw: RawFinding): Finding {
  const info = RULES[raw.rule];
  return {
    file,
    line: raw.line,
    rule: raw.rule,
    severity: info.severity,
    message: raw.message,
    why: info.why,
    fix: info.fix,
  };
}

/** Lint one migration whose statements are parsed (sync); see `lintSql` for text. */
export function lintMigration(input: LintInput & { statements: ParsedStatement[] }): Finding[] {
  const raw = checkStatements(input.statements, { noTransaction: input.noTransaction, requires: input.requires });
  const out: RawFinding[] = [];
  // silencing comments: `-- lint:ignore RULE[, RULE]: reason` directly above a statement
  const silenced = new Map<number, { rules: Set<string>; line: number; used: Set<string> }[]>();
  for (const s of input.statements) {
    for (const c of s.leadingComments) {
      const m = IGNORE.exec(c.text);
      if (!m) continue;
      const rules = m[1]!.split(/[\s,]+/).filter(Boolean);
      const reason = (m[2] ?? '').replace(/[\s\p{P}]+/gu, ' ').trim();
      if (rules.length === 0) {
        out.push({ rule: 'ignore-unknown-rule', line: c.line, message: 'lint:ignore names no rule' });
        continue;
      }
      const unknown = rules.filter((r) => !(r in RULES));
      if (unknown.length)
        out.push({
          rule: 'ignore-unknown-rule',
          line: c.line,
          message: `lint:ignore names unknown rule${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`,
        });
      if (!reason) {
        out.push({
          rule: 'ignore-without-reason',
          line: c.line,
          message: `lint:ignore ${rules.join(', ')} gives no reason (nothing silenced)`,
        });
        continue;
      }
      const list = silenced.get(s.line) ?? [];
      list.push({ rules: new Set(rules.filter((r) => r in RULES)), line: c.line, used: new Set() });
      silenced.set(s.line, list);
    }
  }
  for (const f of raw) {
    const hit = silenced.get(f.line)?.find((x) => x.rules.has(f.rule));
    if (hit && !f.rule.startsWith('ignore-')) hit.used.add(f.rule);
    else out.push(f);
  }
  for (const list of silenced.values()) {
    for (const x of list) {
      const unused = [...x.rules].filter((r) => !x.used.has(r));
      if (unused.length)
        out.push({
          rule: 'ignore-unused',
          line: x.line,
          message: `lint:ignore ${unused.join(', ')}: the rule does not fire on the statement below`,
        });
    }
  }
  if (input.hasDown === false)
    out.push({ rule: 'missing-down-sql', line: 1, message: 'no down.sql beside migration.sql' });
  return out.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule)).map((f) => finding(input.file, f));
}

/** Lint SQL text (headers read from it); a parse error is an `parse-error` finding. */
export async function lintSql(sql: string, options: { file: string; hasDown?: boolean }): Promise<Finding[]> {
  const headers = parseHeaders(sql, options.file);
  try {
    const statements = await parseSql(sql, options.file);
    return lintMigration({
      file: options.file,
      sql,
      statements,
      noTransaction: headers.noTransaction,
      requires: headers.requires,
      hasDown: options.hasDown,
    });
  } catch (error) {
    if (!(error instanceof SqlParseError)) throw error;
    return [
      finding(options.file, {
        rule: 'parse-error',
        line: error.info.line,
        message: `${error.info.message} (column ${error.info.column})`,
      }),
    ];
  }
}

export interface LintResult {
  dir: string;
  files: number;
  findings: Finding[];
  errors: number;
  warnings: number;
  ms: number;
}

/**
 * Lint every migration in `dir` (default packages/db/prisma/migrations). `errors > 0` means the
 * migrations must not be deployed as they are.
 */
export async function lintDir(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<LintResult> {
  const t0 = performance.now();
  const files = await readMigrations(dir);
  const findings: Finding[] = [];
  for (const f of files)
    findings.push(...(await lintSql(f.sql, { file: `${f.name}/migration.sql`, hasDown: !!f.downPath })));
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { dir, files: files.length, findings, errors, warnings: findings.length - errors, ms: performance.now() - t0 };
}
