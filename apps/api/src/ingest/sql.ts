/**
 * Set-based typing and validation: SQL generated from the column specs. Every check is a CASE so
 * that PostgreSQL evaluates a cast only after the text was proven castable (AND/OR do not
 * guarantee order; CASE does).
 */
import { KINDS, type ColumnSpec, type CsvType } from './kinds.ts';

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const col = (c: ColumnSpec) => `"${c.column}"`;
const trimmed = (c: ColumnSpec) => `btrim(${col(c)}, E' \\t\\u3000')`;

function dateParts(t: string) {
  const n = `replace(${t}, '-', '/')`;
  return { y: `split_part(${n}, '/', 1)::int`, m: `split_part(${n}, '/', 2)::int`, d: `split_part(${n}, '/', 3)::int`, n };
}

/** SQL yielding the reason text when the value is invalid, else NULL. */
export function checkExpr(c: ColumnSpec): string {
  const t = trimmed(c);
  const missing = c.required ? lit('required value is missing') : 'NULL';
  let check: string;
  switch (c.type) {
    case 'text':
      check = 'NULL';
      break;
    case 'date': {
      const { y, m, d } = dateParts(t);
      check = `CASE WHEN ${t} !~ '^[0-9]{4}[/-][0-9]{1,2}[/-][0-9]{1,2}$' THEN ${lit('not a date; expected YYYY/MM/DD')}
        WHEN ${y} < 1 OR ${m} NOT BETWEEN 1 AND 12 THEN ${lit('no such date (month must be 1-12)')}
        WHEN ${d} < 1 OR ${d} > extract(day from make_date(${y}, ${m}, 1) + interval '1 month - 1 day')::int
          THEN ${lit('no such date (that month has fewer days)')}
        END`;
      break;
    }
    case 'int':
      check = `CASE WHEN ${t} !~ '^[0-9]{1,9}$' THEN ${lit('not a whole number')}
        WHEN ${t}::int < 1 THEN ${lit('must be 1 or more')} END`;
      break;
    case 'numeric': {
      const n = `replace(${t}, ',', '')`;
      const intDigits = (c.precision ?? 14) - (c.scale ?? 0);
      check = `CASE WHEN ${n} !~ '^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)$' THEN ${lit('not a number')}
        WHEN ${n} !~ '^[-+]?0*[0-9]{0,${intDigits}}([.][0-9]*)?$' THEN ${lit(`number too large (at most ${intDigits} digits before the decimal point)`)}
        ${c.nonNegative ? `WHEN ${n}::numeric < 0 THEN ${lit(`negative ${c.column === 'net_weight_kg' ? 'weight' : 'value'} is not allowed`)}` : ''}
        END`;
      break;
    }
  }
  return `CASE WHEN ${col(c)} IS NULL OR ${t} = '' THEN ${missing} ELSE ${check} END`;
}

/** SQL turning a validated raw text column into its stg type. */
export function typedExpr(c: ColumnSpec): string {
  const t = trimmed(c);
  switch (c.type) {
    case 'text':
      return `nullif(${t}, '')`;
    case 'date': {
      const { y, m, d } = dateParts(t);
      return `make_date(${y}, ${m}, ${d})`;
    }
    case 'int':
      return `${t}::int`;
    case 'numeric':
      return `nullif(replace(${t}, ',', ''), '')::numeric`;
  }
}

/** Rows of one upload with at least one invalid value, first by line; columns e0..eN hold reasons. */
export function invalidRowsSql(kind: CsvType): string {
  const cols = KINDS[kind].columns;
  const reasons = cols.map((c, i) => `${checkExpr(c)} AS e${i}`).join(',\n  ');
  const values = cols.map((c, i) => `${col(c)} AS v${i}`).join(', ');
  return `SELECT * FROM (
  SELECT source_line, ${values},
  ${reasons}
  FROM raw.shogun_${kind} WHERE upload_file_id = $1
) s WHERE coalesce(${cols.map((_, i) => `e${i}`).join(', ')}) IS NOT NULL
ORDER BY source_line LIMIT $2`;
}

export function countInvalidRowsSql(kind: CsvType): string {
  const cols = KINDS[kind].columns;
  return `SELECT count(*)::int AS n FROM raw.shogun_${kind} WHERE upload_file_id = $1
  AND coalesce(${cols.map((c) => checkExpr(c)).join(',\n ')}) IS NOT NULL`;
}

/** INSERT … SELECT of one upload's raw rows into a stg table, typed. */
export function insertStgSql(kind: CsvType, stg: string): string {
  const cols = KINDS[kind].columns;
  return `INSERT INTO ${stg} (${cols.map(col).join(', ')}, upload_file_id, source_line)
SELECT ${cols.map(typedExpr).join(',\n  ')}, upload_file_id, source_line
FROM raw.shogun_${kind} WHERE upload_file_id = $1`;
}

/** Lines that repeat the natural key (slip date, slip no, line no) of an earlier line. */
export function duplicateKeysSql(kind: CsvType): string {
  const [d, s, l] = KINDS[kind].columns as [ColumnSpec, ColumnSpec, ColumnSpec];
  return `SELECT source_line, first_line, ${col(d)} AS d, ${col(s)} AS s, ${col(l)} AS l FROM (
  SELECT source_line, ${col(d)}, ${col(s)}, ${col(l)},
    min(source_line) OVER (PARTITION BY ${typedExpr(d)}, ${typedExpr(s)}, ${typedExpr(l)}) AS first_line
  FROM raw.shogun_${kind} WHERE upload_file_id = $1
) x WHERE source_line <> first_line ORDER BY source_line LIMIT $2`;
}
