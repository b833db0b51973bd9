/**
 * @warehouse/db/kinds — THE contract of the Shogun CSV kinds: kinds, flavours, upload statuses
 * (each as a list and by name: `CSV_TYPES` / `CSV_TYPE.yard`), exact Japanese headers, the raw/stg
 * column each maps to and its type, the raw/stg/history table names. Derived from it: the API's
 * TypeBox unions (`OneOf(UPLOAD_STATUSES)`), header check, validation and COPY column lists
 * (through apps/api/src/ingest/kinds.ts), the uploads data access and the contract check
 * (check.ts), the demo generator, the refresher's kinds and mapping (`satisfies Record<CsvType, …>`,
 * so a kind missing there is a compile error) and the console's lists. No other source file spells
 * a kind, flavour or status as a string: tooling/eslint/literals.test.js fails naming file:line.
 * test/kinds.test.ts ties schema.prisma's tables to it. The console bundles this module: keep its
 * runtime imports free of server code (check.ts imports pg for its types only).
 * Adding a kind: docs/design.md, "Adding a CSV kind".
 */

/** The kinds, in the order the API and the demo list them. */
export const CSV_TYPES = ['receive', 'shipment', 'yard'] as const;
export type CsvType = (typeof CSV_TYPES)[number];
export const FLAVOURS = ['flash', 'final'] as const;
export type Flavour = (typeof FLAVOURS)[number];
/** The states of an upload (log.upload_file.status), in the order an upload goes through them. */
export const UPLOAD_STATUSES = ['pending', 'processing', 'success', 'failed', 'held', 'reverted'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];
/** The states in which the system does no more work on an upload by itself (the console stops polling). */
export const FINISHED_UPLOAD_STATUSES = [
  'success',
  'failed',
  'held',
  'reverted',
] as const satisfies readonly UploadStatus[];

/** `{ a: 'a', b: 'b' }` from `['a', 'b']`: each value by its name, typed as that value. */
function byName<const T extends readonly string[]>(values: T): { readonly [V in T[number]]: V } {
  return Object.freeze(Object.fromEntries(values.map((v) => [v, v]))) as { readonly [V in T[number]]: V };
}
/**
 * Each kind, flavour and status by name, for code that means one of them (`UPLOAD_STATUS.held`,
 * `CSV_TYPE.yard`, `FLAVOUR.final`): no other module spells them as strings, which
 * tooling/eslint/literals.test.js checks across the source tree.
 */
export const CSV_TYPE = byName(CSV_TYPES);
export const FLAVOUR = byName(FLAVOURS);
export const UPLOAD_STATUS = byName(UPLOAD_STATUSES);

export type ColumnType = 'date' | 'text' | 'int' | 'numeric';

export interface ColumnSpec {
  /** Header exactly as the Shogun export writes it. */
  header: string;
  /** raw/stg column name. */
  column: string;
  type: ColumnType;
  required?: boolean;
  /** numeric(precision, scale) of the stg column. */
  precision?: number;
  scale?: number;
  /** Negative values are refused (weights). */
  nonNegative?: boolean;
}

export interface KindSpec {
  /** The export's name in Shogun, as staff call the file. */
  label: string;
  /** Columns in file order. */
  columns: ColumnSpec[];
}

const slip: ColumnSpec[] = [
  { header: '伝票日付', column: 'slip_date', type: 'date', required: true },
  { header: '伝票番号', column: 'slip_no', type: 'text', required: true },
  { header: '明細行', column: 'line_no', type: 'int', required: true },
];
const vendor: ColumnSpec[] = [
  { header: '業者CD', column: 'vendor_cd', type: 'text', required: true },
  { header: '業者名', column: 'vendor_name', type: 'text' },
];
const item: ColumnSpec[] = [
  { header: '品名CD', column: 'item_cd', type: 'text', required: true },
  { header: '品名', column: 'item_name', type: 'text' },
  { header: '正味重量', column: 'net_weight_kg', type: 'numeric', precision: 14, scale: 3, nonNegative: true },
  { header: '数量', column: 'quantity', type: 'numeric', precision: 14, scale: 3 },
  { header: '単位名', column: 'unit_name', type: 'text' },
];
const money: ColumnSpec[] = [
  { header: '単価', column: 'unit_price', type: 'numeric', precision: 14, scale: 2 },
  { header: '金額', column: 'amount', type: 'numeric', precision: 16, scale: 2 },
];

export const KINDS: Record<CsvType, KindSpec> = {
  receive: { label: '受入一覧', columns: [...slip, ...vendor, ...item, ...money] },
  shipment: {
    label: '出荷一覧',
    columns: [...slip, ...vendor, ...item, ...money, { header: '営業担当者', column: 'sales_rep', type: 'text' }],
  },
  yard: { label: 'ヤード一覧', columns: [...slip, ...item] },
};

/** A record with one entry per kind, built by `fn` — so per-kind tables elsewhere need no list of kinds. */
export function mapKinds<T>(fn: (kind: CsvType) => T): Record<CsvType, T> {
  return Object.fromEntries(CSV_TYPES.map((kind) => [kind, fn(kind)])) as unknown as Record<CsvType, T>;
}

/** `raw.shogun_<kind>`: every row as received, all text. */
export const rawTable = (kind: string) => `raw.shogun_${kind}`;
/**
 * `stg.shogun_<flavour>_<kind>`: typed rows. Arguments in the order used everywhere else (kind,
 * then flavour). Names that are not plain lower-case words are refused, so the result is safe to
 * splice into SQL even when the values come from a row (any kind, not only the contract's: the
 * contract check runs on test kinds too).
 */
export function stgTable(kind: string, flavour: string): string {
  if (!/^[a-z]+$/.test(kind) || !/^[a-z]+$/.test(flavour)) {
    throw new Error(`csv_type ${JSON.stringify(kind)} / flavour ${JSON.stringify(flavour)} is not a plain name`);
  }
  return `stg.shogun_${flavour}_${kind}`;
}

/** `stg.shogun_<flavour>_<kind>_history`: superseded stg rows, kept so an upload can be reverted. */
export const stgHistoryTable = (kind: string, flavour: string) => `${stgTable(kind, flavour)}_history`;

/** Exact header columns of a kind, in file order. */
export function headersOf(kind: CsvType, kinds: Readonly<Record<string, KindSpec>> = KINDS): string[] {
  return kinds[kind]!.columns.map((c) => c.header);
}

export function isCsvType(v: unknown): v is CsvType {
  return typeof v === 'string' && (CSV_TYPES as readonly string[]).includes(v);
}
export function isFlavour(v: unknown): v is Flavour {
  return typeof v === 'string' && (FLAVOURS as readonly string[]).includes(v);
}

/**
 * Compare a header row with a kind. Returns undefined when it matches, else a sentence a person
 * understands (naming the other kind when the header is one).
 */
export function headerProblem(kind: CsvType, header: string[]): string | undefined {
  const got = header.map((h) => h.trim());
  const want = headersOf(kind);
  if (got.length === want.length && got.every((h, i) => h === want[i])) return undefined;
  for (const other of CSV_TYPES) {
    if (other === kind) continue;
    const o = headersOf(other);
    if (got.length === o.length && got.every((h, i) => h === o[i])) {
      return `the header is the one of a ${other} file (${KINDS[other].label}), but the file was uploaded as ${kind} (${KINDS[kind].label}); upload it in the ${other} field`;
    }
  }
  const missing = want.filter((h) => !got.includes(h));
  const extra = got.filter((h) => !want.includes(h));
  const parts: string[] = [];
  if (missing.length) parts.push(`missing column(s) ${missing.join(', ')}`);
  if (extra.length)
    parts.push(
      `unexpected column(s) ${extra
        .map((h) => JSON.stringify(h.slice(0, 40)))
        .slice(0, 5)
        .join(', ')}${extra.length > 5 ? ` and ${extra.length - 5} more` : ''}`,
    );
  if (!parts.length) parts.push('the columns are in the wrong order');
  return `the header row does not match a ${kind} file (${KINDS[kind].label}): ${parts.join('; ')}. Expected: ${want.join(',')}`;
}

/** The PostgreSQL type a stg column of this spec has (raw columns are all `text`). */
export function stgColumnType(c: ColumnSpec): string {
  switch (c.type) {
    case 'date':
      return 'date';
    case 'int':
      return 'integer';
    case 'text':
      return 'text';
    case 'numeric':
      return `numeric(${c.precision ?? 14},${c.scale ?? 0})`;
  }
}
export { contractProblems, RAW_META_COLUMNS, STG_META_COLUMNS } from './check.ts';
