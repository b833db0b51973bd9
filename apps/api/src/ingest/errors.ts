/** One problem found in an uploaded file. `line` is 1-based (the header is line 1). */
export interface RowError {
  line: number | null;
  column: string | null;
  value: string | null;
  /** For operators (English, may name settings); staff see `code` worded by the console. */
  reason: string;
  /** Stable code of the reason (reasons.ts), with its parameters. */
  code?: string;
  params?: Record<string, string | number>;
  /** The record's original text (quotes and all, without its line break), when the error is about a data row. */
  row?: string | null;
}

export type RejectCode =
  | 'E_EMPTY'
  | 'E_ENCODING'
  | 'E_NOT_CSV'
  | 'E_HEADER'
  | 'E_NO_ROWS'
  | 'E_CSV_SYNTAX'
  | 'E_ROWS_INVALID'
  | 'E_DUPLICATE_FILE';

/** The file is refused as a whole; the upload becomes `failed` with this message and errors. */
export class IngestRejected extends Error {
  readonly code: RejectCode;
  readonly errors: RowError[];
  /** Parameters of `code` for the console's text (e.g. the upload a duplicate file repeats). */
  readonly params: Record<string, string | number>;
  /** The file's data lines, when it was read through (a failed upload still says how many it had). */
  readonly rowCount: number | null;
  constructor(
    code: RejectCode,
    message: string,
    errors: RowError[] = [],
    params: Record<string, string | number> = {},
    rowCount: number | null = null,
  ) {
    super(message);
    this.name = 'IngestRejected';
    this.code = code;
    this.errors = errors;
    this.params = params;
    this.rowCount = rowCount;
  }
}
