import { KINDS, CSV_TYPES, type CsvType } from '@warehouse/api/kinds';

/**
 * Decode the first bytes of a Shogun export: UTF-8 when valid (BOM stripped), else CP932
 * (Shift_JIS as the browser's TextDecoder knows it).
 */
export function decodeHead(bytes: Uint8Array): string {
  try {
    // stream: a multi-byte character cut at the end of the slice is held back, not an error.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true }).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('shift_jis').decode(bytes);
  }
}

/** The kind whose header row is exactly the file's first line, or undefined. */
export function detectKind(text: string): CsvType | undefined {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const cells = first.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  return CSV_TYPES.find((k) => {
    const want = KINDS[k].columns.map((c) => c.header);
    return want.length === cells.length && want.every((h, i) => h === cells[i]);
  });
}

/** Read a File's first 64 KiB and detect its kind. */
export async function detectFileKind(file: Blob): Promise<CsvType | undefined> {
  const head = new Uint8Array(await file.slice(0, 65536).arrayBuffer());
  return detectKind(decodeHead(head));
}
