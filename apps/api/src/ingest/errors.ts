/** One problem found in an uploaded file. `line` is 1-based (the header is line 1). */
export interface RowError {
  line: number | null;
  column: string | null;
  value: string | null;
  reason: string;
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
  constructor(code: RejectCode, message: string, errors: RowError[] = []) {
    super(message);
    this.name = 'IngestRejected';
    this.code = code;
    this.errors = errors;
  }
}
