/**
 * A reader of .xlsx files that shares no code with exceljs: the ZIP container read with node:zlib
 * from its central directory, the sheets' XML read as the Office Open XML spec (ECMA-376 part 1,
 * §18.3 sheet data, §18.8 styles) lays it out. Enough to ask what a spreadsheet program would see
 * in a cell: its stored type (number, shared string, inline string), value and number format.
 */
import { inflateRawSync } from 'node:zlib';

/** The files of a ZIP archive by name (stored and deflated entries, as every xlsx writer uses). */
export function unzip(buf: Buffer): Map<string, Buffer> {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a ZIP file: no end of central directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`);
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + size);
    files.set(name, method === 0 ? raw : inflateRawSync(raw));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const texts = (xml: string) => [...xml.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((m) => unescape(m[1]!)).join('');

/** Built-in number formats that a writer may reference by id alone (ECMA-376 §18.8.30). */
const BUILTIN: Record<number, string> = {
  0: 'General',
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  14: 'mm-dd-yy',
};

export interface XmlCell {
  /** the cell's stored type: n (number), s (shared string), inlineStr, str (formula text), b */
  type: string;
  value: number | string;
  numFmt: string;
}
export interface XmlSheet {
  name: string;
  cells: Map<string, XmlCell>;
  /** the frozen pane's top-left cell, if any */
  frozenAt?: string;
  /** column widths by 1-based index */
  widths: Map<number, number>;
}

/** The sheets of a workbook, in order, with every cell that has a value. */
export function readXlsx(buf: Buffer): XmlSheet[] {
  const files = unzip(buf);
  const text = (name: string) => {
    const f = files.get(name);
    if (!f) throw new Error(`${name} missing from the workbook`);
    return f.toString('utf8');
  };
  const shared = files.has('xl/sharedStrings.xml')
    ? [...text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => texts(m[1]!))
    : [];
  const styles = text('xl/styles.xml');
  const custom = new Map(
    [...styles.matchAll(/<numFmt\s[^>]*\/>/g)].map((m) => [
      Number(attr(m[0], 'numFmtId')),
      unescape(attr(m[0], 'formatCode')!),
    ]),
  );
  const xfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)![1]!;
  const xfFmt = [...xfs.matchAll(/<xf\s[^>]*?\/?>/g)].map((m) => {
    const id = Number(attr(m[0], 'numFmtId') ?? 0);
    return custom.get(id) ?? BUILTIN[id] ?? `builtin:${id}`;
  });
  const rels = new Map(
    [...text('xl/_rels/workbook.xml.rels').matchAll(/<Relationship\s[^>]*\/>/g)].map((m) => [
      attr(m[0], 'Id')!,
      attr(m[0], 'Target')!,
    ]),
  );
  return [...text('xl/workbook.xml').matchAll(/<sheet\s[^>]*\/>/g)].map((m) => {
    const target = rels.get(attr(m[0], 'r:id')!)!;
    const xml = text(target.startsWith('/') ? target.slice(1) : `xl/${target}`);
    const cells = new Map<string, XmlCell>();
    for (const c of xml.matchAll(/<c\s([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const head = `<c ${c[1]}>`;
      const body = c[2] ?? '';
      const type = attr(head, 't') ?? 'n';
      const v = /<v>([^<]*)<\/v>/.exec(body)?.[1];
      const numFmt = xfFmt[Number(attr(head, 's') ?? 0)] ?? 'General';
      let value: number | string | undefined;
      if (type === 's' && v !== undefined) value = shared[Number(v)]!;
      else if (type === 'inlineStr') value = texts(body);
      else if (type === 'n' && v !== undefined) value = Number(v);
      else if (v !== undefined) value = unescape(v);
      if (value !== undefined) cells.set(attr(head, 'r')!, { type, value, numFmt });
    }
    const pane = /<pane\s[^>]*\/>/.exec(xml)?.[0];
    const widths = new Map(
      [...xml.matchAll(/<col\s[^>]*\/>/g)].map((c) => [Number(attr(c[0], 'min')), Number(attr(c[0], 'width'))]),
    );
    return {
      name: unescape(attr(m[0], 'name')!),
      cells,
      frozenAt: pane && attr(pane, 'state') === 'frozen' ? attr(pane, 'topLeftCell') : undefined,
      widths,
    };
  });
}

/** An Excel serial day (1900 date system) as YYYY-MM-DD. */
export const serialToDay = (serial: number) =>
  new Date(Math.round((serial - 25569) * 86_400_000)).toISOString().slice(0, 10);
