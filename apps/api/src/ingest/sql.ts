/**
 * SQL over an upload's raw rows. The stg rows themselves are COPYed from values checked and
 * typed while streaming (validate.ts); natural-key uniqueness is left to the stg UNIQUE
 * constraint, and when it fires duplicateKeysSql finds the repeated lines set-based in raw.
 */
import { KINDS, type ColumnSpec, type CsvType } from './kinds.ts';

const col = (c: ColumnSpec) => `"${c.column}"`;
const trimmed = (c: ColumnSpec) => `btrim(${col(c)}, E' \\t\\u3000')`;

/** SQL turning a checked raw text column into its stg type. */
export function typedExpr(c: ColumnSpec): string {
  const t = trimmed(c);
  switch (c.type) {
    case 'text':
      return `nullif(${t}, '')`;
    case 'date':
      return `to_date(replace(${t}, '-', '/'), 'YYYY/MM/DD')`;
    case 'int':
      return `${t}::int`;
    case 'numeric':
      return `nullif(replace(${t}, ',', ''), '')::numeric`;
  }
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

/**
 * Move the current rows an upload replaces from stg to its history table (same columns, then
 * superseded_by_upload_id and superseded_at), one statement; returns the moved rows per date
 * (d = 'YYYY-MM-DD', n). Parameters: $1 upload id, then $2 the file's dates (date[]) — or, with
 * `period`, $2 and $3 the period's first and last date.
 */
export function supersedeSql(stg: string, history: string, cols: string, period: boolean): string {
  const where = period ? 'slip_date BETWEEN $2::date AND $3::date' : 'slip_date = ANY($2::date[])';
  return `WITH moved AS (DELETE FROM ${stg} WHERE ${where} RETURNING ${cols}),
  kept AS (INSERT INTO ${history} (${cols}, superseded_by_upload_id, superseded_at)
           SELECT ${cols}, $1::bigint, statement_timestamp() FROM moved RETURNING slip_date)
SELECT to_char(slip_date, 'YYYY-MM-DD') AS d, count(*)::int AS n FROM kept GROUP BY slip_date ORDER BY slip_date`;
}
