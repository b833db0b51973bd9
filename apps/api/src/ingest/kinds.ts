/** The Shogun CSV kinds: exact Japanese headers, the raw/stg column each maps to, and its type. */
export type CsvType = 'receive' | 'shipment' | 'yard';
export type Flavour = 'flash' | 'final';
export const CSV_TYPES: readonly CsvType[] = ['receive', 'shipment', 'yard'];
export const FLAVOURS: readonly Flavour[] = ['flash', 'final'];

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

export const KINDS: Record<CsvType, { label: string; columns: ColumnSpec[] }> = {
  receive: { label: '受入一覧', columns: [...slip, ...vendor, ...item, ...money] },
  shipment: {
    label: '出荷一覧',
    columns: [...slip, ...vendor, ...item, ...money, { header: '営業担当者', column: 'sales_rep', type: 'text' }],
  },
  yard: { label: 'ヤード一覧', columns: [...slip, ...item] },
};

export const rawTable = (kind: CsvType) => `raw.shogun_${kind}`;
export const stgTable = (flavour: Flavour, kind: CsvType) => `stg.shogun_${flavour}_${kind}`;

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
  const want = KINDS[kind].columns.map((c) => c.header);
  if (got.length === want.length && got.every((h, i) => h === want[i])) return undefined;
  for (const other of CSV_TYPES) {
    if (other === kind) continue;
    const o = KINDS[other].columns.map((c) => c.header);
    if (got.length === o.length && got.every((h, i) => h === o[i])) {
      return `the header is the one of a ${other} file (${KINDS[other].label}), but the file was uploaded as ${kind} (${KINDS[kind].label}); upload it in the ${other} field`;
    }
  }
  const missing = want.filter((h) => !got.includes(h));
  const extra = got.filter((h) => !want.includes(h));
  const parts: string[] = [];
  if (missing.length) parts.push(`missing column(s) ${missing.join(', ')}`);
  if (extra.length) parts.push(`unexpected column(s) ${extra.map((h) => JSON.stringify(h.slice(0, 40))).slice(0, 5).join(', ')}${extra.length > 5 ? ` and ${extra.length - 5} more` : ''}`);
  if (!parts.length) parts.push('the columns are in the wrong order');
  return `the header row does not match a ${kind} file (${KINDS[kind].label}): ${parts.join('; ')}. Expected: ${want.join(',')}`;
}
