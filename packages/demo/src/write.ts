/**
 * writeDemoData: a directory of Shogun CSVs (one `final` file per kind per month, `flash` files for
 * the most recent dates that are not final yet) plus `manifest.json`. Streamed: one day's text is
 * encoded and written at a time, so memory stays flat whatever the size.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { DbError } from '@warehouse/db';
import { CSV_TYPE, FLAVOUR, mapKinds } from '@warehouse/db/kinds';
import {
  CSV_KINDS,
  encodeText,
  encodingPreamble,
  headerLine,
  DEMO_ENCODINGS,
  type CsvKind,
  type DemoEncoding,
  type Flavour,
} from './csv.ts';
import { addDays, dayInfo, isIsoDate, monthStart } from './seed/dates.ts';
import { DemoGenerator } from './generate.ts';
import { hashSeed } from './prng.ts';

export interface WriteDemoDataOptions {
  outDir: string;
  /** Years of history before the end date's month (default 5). */
  years?: number;
  /** Months of history instead of years (for small runs and tests). */
  months?: number;
  /** Last date with data, `YYYY-MM-DD` (default: yesterday, UTC). */
  endDate?: string;
  /** PRNG seed: same seed and options → byte-identical files (default `demo`). */
  seed?: string | number;
  /** Dates within this many days before endDate are flash only (default 10). */
  finalLagDays?: number;
  /** Multiplier on volumes (default 1; ~250 receive lines per weekday). */
  scale?: number;
  /** Called after each file. */
  onFile?: (file: ManifestFile, index: number, total: number) => void;
}

export interface ManifestFile {
  file: string;
  csvType: CsvKind;
  flavour: Flavour;
  encoding: DemoEncoding;
  bom: boolean;
  /** Weights printed with thousands separators (`"1,234.5"`). */
  thousandsSeparator: boolean;
  /** Data rows (header excluded). */
  rows: number;
  bytes: number;
  sha256: string;
  /** The dates the file covers, and the first/last slip date actually present (null when empty). */
  periodFrom: string;
  periodTo: string;
  dateFrom: string | null;
  dateTo: string | null;
  netWeightKg: number;
}

export interface DemoManifest {
  generator: string;
  seed: string;
  startDate: string;
  endDate: string;
  /** Last date covered by final files; later dates are in flash files. */
  finalThrough: string;
  files: ManifestFile[];
  totals: { files: number; rows: number; bytes: number; rowsByKind: Record<CsvKind, number> };
}

interface FileSpec {
  file: string;
  kind: CsvKind;
  flavour: Flavour;
  from: string;
  to: string;
  monthIndex: number;
}

function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

/** The earlier and the later of two YYYY-MM-DD dates. */
const earlier = (a: string, b: string) => (a < b ? a : b);
const later = (a: string, b: string) => (a > b ? a : b);

/** The files a run writes, in generation order per kind (date order). */
export function planDemoFiles(opts: { startDate: string; endDate: string; finalThrough: string }): FileSpec[] {
  const specs: FileSpec[] = [];
  for (const kind of CSV_KINDS) {
    let monthIndex = 0;
    for (let m = opts.startDate; m <= opts.endDate; m = monthStart(m, 1), monthIndex++) {
      const last = addDays(monthStart(m, 1), -1);
      const ym = m.slice(0, 7);
      // The month's days through finalThrough are in its final file, the later ones (through
      // endDate) in its flash file; a part with no days has no file.
      const parts = [
        { flavour: FLAVOUR.final, from: m, to: earlier(last, opts.finalThrough) },
        { flavour: FLAVOUR.flash, from: later(m, addDays(opts.finalThrough, 1)), to: earlier(last, opts.endDate) },
      ];
      for (const { flavour, from, to } of parts)
        if (from <= to) specs.push({ file: `${kind}_${flavour}_${ym}.csv`, kind, flavour, from, to, monthIndex });
    }
  }
  return specs;
}

/**
 * Write demo Shogun CSVs and a manifest.
 * @example await writeDemoData({ outDir: 'demo-data', years: 5, endDate: '2025-06-30', seed: 'demo' })
 */
export async function writeDemoData(options: WriteDemoDataOptions): Promise<DemoManifest> {
  const seed = String(options.seed ?? 'demo');
  const endDate = options.endDate ?? yesterday();
  if (!isIsoDate(endDate)) {
    throw new DbError('E_BAD_ARGUMENT', `endDate "${endDate}" is not a date; pass YYYY-MM-DD, e.g. 2025-06-30`);
  }
  const months = options.months ?? Math.round((options.years ?? 5) * 12);
  if (!Number.isInteger(months) || months < 0 || months > 12 * 50) {
    throw new DbError(
      'E_BAD_ARGUMENT',
      `years/months ${options.months ?? options.years} is out of range; pass 1–50 years or 0–600 months`,
    );
  }
  const startDate = monthStart(endDate, -months);
  const finalThrough = addDays(endDate, -(options.finalLagDays ?? 10));
  await mkdir(options.outDir, { recursive: true });

  const generator = new DemoGenerator(seed);
  const specs = planDemoFiles({ startDate, endDate, finalThrough });
  const encodingOffset = hashSeed(seed, 'encoding') % DEMO_ENCODINGS.length;
  const slipCounters: Record<CsvKind, number> = {
    receive: 1_000_001 + (hashSeed(seed, CSV_TYPE.receive) % 100_000),
    shipment: 5_000_001 + (hashSeed(seed, CSV_TYPE.shipment) % 100_000),
    yard: 8_000_001 + (hashSeed(seed, CSV_TYPE.yard) % 100_000),
  };
  const files: ManifestFile[] = [];
  let index = 0;
  for (const spec of specs) {
    const kindIndex = CSV_KINDS.indexOf(spec.kind);
    // Rotate encodings and number styles over months and kinds so any run of ≥ 2 months has all of them.
    const encoding = ENCODING_CYCLE[
      (spec.monthIndex + kindIndex + encodingOffset) % ENCODING_CYCLE.length
    ] as DemoEncoding;
    const grouped = (spec.monthIndex + kindIndex + (hashSeed(seed, 'grouping') & 1)) % 2 === 0;
    const entry = await writeOne(
      path.join(options.outDir, spec.file),
      spec,
      encoding,
      grouped,
      generator,
      slipCounters,
      options.scale ?? 1,
    );
    files.push(entry);
    options.onFile?.(entry, index++, specs.length);
  }
  const rowsByKind = mapKinds(() => 0);
  for (const f of files) rowsByKind[f.csvType] += f.rows;
  const manifest: DemoManifest = {
    generator: '@warehouse/demo',
    seed,
    startDate,
    endDate,
    finalThrough,
    files,
    totals: {
      files: files.length,
      rows: files.reduce((a, f) => a + f.rows, 0),
      bytes: files.reduce((a, f) => a + f.bytes, 0),
      rowsByKind,
    },
  };
  await writeFile(path.join(options.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

const ENCODING_CYCLE: readonly DemoEncoding[] = ['cp932', 'utf-8-bom', 'cp932', 'utf-8-bom', 'utf-8'];

async function writeOne(
  filePath: string,
  spec: FileSpec,
  encoding: DemoEncoding,
  grouped: boolean,
  generator: DemoGenerator,
  counters: Record<CsvKind, number>,
  scale: number,
): Promise<ManifestFile> {
  const out = createWriteStream(filePath);
  const hash = createHash('sha256');
  let bytes = 0;
  const write = async (buf: Buffer) => {
    hash.update(buf);
    bytes += buf.length;
    if (!out.write(buf)) await once(out, 'drain');
  };
  let rows = 0;
  let kg = 0;
  let dateFrom: string | null = null;
  let dateTo: string | null = null;
  try {
    await write(Buffer.concat([encodingPreamble(encoding), encodeText(headerLine(spec.kind), encoding)]));
    for (let d = spec.from; d <= spec.to; d = addDays(d, 1)) {
      const r = generator.day(spec.kind, dayInfo(d), { slipNo: counters[spec.kind], grouped, scale });
      counters[spec.kind] += r.slips;
      if (r.rows === 0) continue;
      rows += r.rows;
      kg += r.kg;
      dateFrom ??= d;
      dateTo = d;
      await write(encodeText(r.text, encoding));
    }
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    throw new DbError(
      'E_BAD_ARGUMENT',
      `could not write demo file ${filePath}: ${(error as Error).message}; check the output directory`,
      { cause: error },
    );
  }
  return {
    file: path.basename(filePath),
    csvType: spec.kind,
    flavour: spec.flavour,
    encoding,
    bom: encoding === 'utf-8-bom',
    thousandsSeparator: grouped,
    rows,
    bytes,
    sha256: hash.digest('hex'),
    periodFrom: spec.from,
    periodTo: spec.to,
    dateFrom,
    dateTo,
    netWeightKg: Math.round(kg * 10) / 10,
  };
}
