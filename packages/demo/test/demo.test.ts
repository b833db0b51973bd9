import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import iconv from 'iconv-lite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { dayInfo } from '../src/seed/index.ts';
import {
  loadScaledReceive,
  makeCatalog,
  RECEIVE_ITEMS,
  receiveCsvStream,
  SALES_REPS,
  SHIPMENT_ITEMS,
  SHOGUN_HEADERS,
  writeDemoData,
  YARD_ITEMS,
  type DemoManifest,
  type ManifestFile,
} from '../src/index.ts';

const tmp = () => mkdtemp(path.join(os.tmpdir(), 'demo-test-'));

function decode(buf: Buffer, encoding: ManifestFile['encoding']): string {
  if (encoding === 'cp932') return iconv.decode(buf, 'cp932');
  const start = encoding === 'utf-8-bom' ? 3 : 0;
  return new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(start));
}

/** Minimal RFC 4180 split of one line (fields may be quoted, no embedded line breaks here). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

// Two months before 2024-03-05: final files for Jan and Feb (up to 02-24), flash for 02-25..03-05.
const OPTIONS = { months: 2, endDate: '2024-03-05', seed: 'test-seed' } as const;

describe('writeDemoData', () => {
  let dirA: string;
  let dirB: string;
  let manifest: DemoManifest;
  const files = new Map<string, { buf: Buffer; text: string; entry: ManifestFile }>();

  beforeAll(async () => {
    dirA = await tmp();
    dirB = await tmp();
    manifest = await writeDemoData({ outDir: dirA, ...OPTIONS });
    await writeDemoData({ outDir: dirB, ...OPTIONS });
    for (const entry of manifest.files) {
      const buf = await readFile(path.join(dirA, entry.file));
      files.set(entry.file, { buf, text: decode(buf, entry.encoding), entry });
    }
  });
  afterAll(async () => {
    await rm(dirA, { recursive: true, force: true });
    await rm(dirB, { recursive: true, force: true });
  });

  it('lays out final files per kind per month and flash files for the dates not final yet', async () => {
    expect(manifest.startDate).toBe('2024-01-01');
    expect(manifest.finalThrough).toBe('2024-02-24');
    expect(manifest.files.map((f) => f.file).sort()).toEqual(
      ['receive', 'shipment', 'yard']
        .flatMap((k) =>
          [
            `${k}_final_2024-01.csv`,
            `${k}_final_2024-02.csv`,
            `${k}_flash_2024-02.csv`,
            `${k}_flash_2024-03.csv`,
            `${k}_final_2024-03.csv`,
          ].filter((f) => !f.endsWith('final_2024-03.csv')),
        )
        .sort(),
    );
    expect((await readdir(dirA)).sort()).toEqual([...manifest.files.map((f) => f.file), 'manifest.json'].sort());
    for (const f of manifest.files) {
      if (f.flavour === 'final') expect(f.periodTo <= manifest.finalThrough).toBe(true);
      else expect(f.periodFrom > manifest.finalThrough && f.periodTo <= manifest.endDate).toBe(true);
    }
  });

  it('is byte-identical for the same seed, and different for another seed', async () => {
    for (const name of [...files.keys(), 'manifest.json']) {
      const a = await readFile(path.join(dirA, name));
      const b = await readFile(path.join(dirB, name));
      expect(a.equals(b), name).toBe(true);
    }
    const dirC = await tmp();
    try {
      const other = await writeDemoData({ outDir: dirC, ...OPTIONS, seed: 'another-seed' });
      const a = manifest.files.find((f) => f.file === 'receive_final_2024-01.csv');
      const c = other.files.find((f) => f.file === 'receive_final_2024-01.csv');
      expect(c?.sha256).not.toBe(a?.sha256);
    } finally {
      await rm(dirC, { recursive: true, force: true });
    }
  });

  it('writes the exact Japanese header of each kind', () => {
    for (const { text, entry } of files.values()) {
      const header = text.slice(0, text.indexOf('\r\n'));
      expect(header.split(','), entry.file).toEqual([...SHOGUN_HEADERS[entry.csvType]]);
    }
    expect(SHOGUN_HEADERS.receive.join(',')).toBe(
      '伝票日付,伝票番号,明細行,業者CD,業者名,品名CD,品名,正味重量,数量,単位名,単価,金額',
    );
    expect(SHOGUN_HEADERS.shipment.at(-1)).toBe('営業担当者');
    expect(SHOGUN_HEADERS.yard.join(',')).toBe('伝票日付,伝票番号,明細行,品名CD,品名,正味重量,数量,単位名');
  });

  it('uses UTF-8 with BOM, UTF-8 and CP932 files as the manifest says', () => {
    const encodings = new Set(manifest.files.map((f) => f.encoding));
    expect(encodings).toEqual(new Set(['utf-8', 'utf-8-bom', 'cp932']));
    for (const { buf, entry } of files.values()) {
      const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
      expect(bom, entry.file).toBe(entry.encoding === 'utf-8-bom');
      if (entry.encoding === 'cp932') {
        expect(() => new TextDecoder('utf-8', { fatal: true }).decode(buf), entry.file).toThrow();
        expect(iconv.decode(buf, 'cp932').startsWith('伝票日付,伝票番号,明細行')).toBe(true);
        expect(iconv.decode(buf, 'cp932')).not.toContain('\ufffd');
      }
    }
  });

  it('ends every line with CRLF', () => {
    for (const { text, entry } of files.values()) {
      expect(text.endsWith('\r\n'), entry.file).toBe(true);
      expect(/[^\r]\n|^\n/.test(text), entry.file).toBe(false);
      expect(/\r(?!\n)/.test(text), entry.file).toBe(false);
    }
  });

  it('has the row counts, dates and weights the manifest lists', () => {
    let total = 0;
    for (const { text, entry } of files.values()) {
      const lines = text.split('\r\n').slice(1, -1);
      expect(lines.length, entry.file).toBe(entry.rows);
      total += entry.rows;
      if (entry.rows === 0) continue;
      const dates = lines.map((l) => l.slice(0, 10).replaceAll('/', '-'));
      expect(dates[0]).toBe(entry.dateFrom);
      expect(dates.at(-1)).toBe(entry.dateTo);
      expect(dates.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && d >= entry.periodFrom && d <= entry.periodTo)).toBe(
        true,
      );
      const weightCol = SHOGUN_HEADERS[entry.csvType].indexOf('正味重量');
      const kg = lines.reduce((a, l) => a + Number((fields(l)[weightCol] as string).replaceAll(',', '')), 0);
      expect(Math.abs(kg - entry.netWeightKg)).toBeLessThan(1);
    }
    expect(manifest.totals.rows).toBe(total);
  });

  it('writes well-formed rows: slip date format, unique (date, slip, line), lines numbered 1..n per slip', () => {
    for (const { text, entry } of files.values()) {
      const header = SHOGUN_HEADERS[entry.csvType];
      const seen = new Set<string>();
      const lastLine = new Map<string, number>();
      for (const line of text.split('\r\n').slice(1, -1)) {
        const f = fields(line);
        expect(f.length, `${entry.file}: ${line}`).toBe(header.length);
        expect(f[0]).toMatch(/^\d{4}\/\d{2}\/\d{2}$/);
        const key = `${f[0]}|${f[1]}|${f[2]}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        const slip = `${f[0]}|${f[1]}`;
        expect(Number(f[2])).toBe((lastLine.get(slip) ?? 0) + 1);
        lastLine.set(slip, Number(f[2]));
        for (const col of ['正味重量', '数量', '単価', '金額']) {
          const i = header.indexOf(col);
          if (i >= 0)
            expect(Number((f[i] as string).replaceAll(',', '')), `${col} in ${line}`).toBeGreaterThanOrEqual(0);
        }
        if (entry.csvType !== 'yard') expect(f[3]).toMatch(/^\d{6}$/);
        if (entry.csvType === 'shipment') expect(SALES_REPS).toContain(f[12]);
      }
    }
  });

  it('quotes weights with thousands separators in the files that use them', () => {
    const grouped = [...files.values()].filter((f) => f.entry.thousandsSeparator && f.entry.rows > 0);
    const plain = [...files.values()].filter((f) => !f.entry.thousandsSeparator && f.entry.rows > 0);
    expect(grouped.length).toBeGreaterThan(0);
    expect(plain.length).toBeGreaterThan(0);
    for (const { text } of grouped) expect(text).toMatch(/,"\d{1,3}(,\d{3})+(\.\d)?",/);
    for (const { text } of plain) expect(text).not.toMatch(/"\d{1,3}(,\d{3})+/);
  });

  it('puts most receive rows on business days, with realistic volumes per weekday', () => {
    const perDay = new Map<string, number>();
    for (const { text, entry } of files.values()) {
      if (entry.csvType !== 'receive') continue;
      for (const line of text.split('\r\n').slice(1, -1)) {
        const d = line.slice(0, 10).replaceAll('/', '-');
        perDay.set(d, (perDay.get(d) ?? 0) + 1);
      }
    }
    let biz = 0;
    let all = 0;
    const weekday: number[] = [];
    for (const [d, n] of perDay) {
      const info = dayInfo(d);
      all += n;
      if (info.businessDay) biz += n;
      if (info.dayType === 'biz' && d.slice(5) !== '01-04' && d.slice(5) !== '01-05') weekday.push(n);
    }
    expect(biz / all).toBeGreaterThan(0.95);
    const avg = weekday.reduce((a, b) => a + b, 0) / weekday.length;
    expect(avg).toBeGreaterThan(150);
    expect(avg).toBeLessThan(400);
  });

  it('uses only names that CP932 can encode', () => {
    const { receiveVendors, shipmentVendors } = makeCatalog('test-seed');
    const names = [...receiveVendors, ...shipmentVendors]
      .map((v) => v.name)
      .concat(
        [...RECEIVE_ITEMS, ...SHIPMENT_ITEMS, ...YARD_ITEMS].flatMap((i) => [i.name, i.unitName]),
        [...SALES_REPS],
        [...SHOGUN_HEADERS.shipment, ...SHOGUN_HEADERS.yard],
      );
    for (const n of names) expect(iconv.decode(iconv.encode(n, 'cp932'), 'cp932')).toBe(n);
  });
});

describe('receiveCsvStream', () => {
  it('produces exactly the requested rows', async () => {
    const buf = await buffer(receiveCsvStream({ rows: 5000, seed: 's', startDate: '2023-01-01' }));
    const text = buf.toString('utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(SHOGUN_HEADERS.receive.join(','));
    expect(lines.length - 2).toBe(5000);
    expect(lines.at(-1)).toBe('');
    expect(lines[1]?.startsWith('2023/01/')).toBe(true);
    const again = await buffer(receiveCsvStream({ rows: 5000, seed: 's', startDate: '2023-01-01' }));
    expect(again.equals(buf)).toBe(true);
  });

  it('stops at whole rows within a byte budget, in CP932 too', async () => {
    const buf = await buffer(receiveCsvStream({ bytes: 200_000, encoding: 'cp932' }));
    expect(buf.length).toBeLessThanOrEqual(200_000);
    expect(buf.length).toBeGreaterThan(199_000);
    const text = iconv.decode(buf, 'cp932');
    expect(text.endsWith('\r\n')).toBe(true);
    for (const line of text.split('\r\n').slice(1, -1)) expect(fields(line).length).toBe(12);
    const bom = await buffer(receiveCsvStream({ rows: 1, encoding: 'utf-8-bom' }));
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});

describe('loadScaledReceive', () => {
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    const adminUrl = inject('pgAdminUrl');
    db = await createTestDatabase(adminUrl, { template: await createMigratedTemplate(adminUrl), prefix: 'demo' });
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('fills stg.shogun_final_receive with exactly N rows owned by one upload', async () => {
    const progress: number[] = [];
    const r = await loadScaledReceive(client, {
      rows: 20_001,
      startDate: '2021-01-01',
      days: 365,
      batchSlips: 4000,
      onProgress: (n) => progress.push(n),
    });
    expect(r.table).toBe('stg.shogun_final_receive');
    expect(r.fkChecked).toBe(false); // the test server's role is a superuser
    const role = await client.query('show session_replication_role');
    expect(role.rows[0].session_replication_role).toBe('origin'); // set local: gone after commit
    expect(progress.at(-1)).toBe(20_001);
    expect(progress.length).toBeGreaterThan(1);
    const { rows } = await client.query(
      `select count(*)::int n, min(slip_date)::text lo, max(slip_date)::text hi, count(distinct slip_date)::int days,
              count(distinct vendor_cd)::int vendors, count(distinct item_cd)::int items,
              bool_and(net_weight_kg > 0) positive, sum(net_weight_kg)::float8 / count(distinct slip_date) / 1000 as tons_per_day
       from stg.shogun_final_receive where upload_file_id = $1`,
      [r.uploadFileId],
    );
    expect(rows[0]).toMatchObject({ n: 20_001, lo: '2021-01-01', hi: '2021-12-31', days: 365, positive: true });
    expect(rows[0].vendors).toBeGreaterThan(50);
    expect(rows[0].items).toBe(RECEIVE_ITEMS.length);
    const up = await client.query(
      `select csv_type, flavour, status, row_count, date_from::text, date_to::text from log.upload_file where id = $1`,
      [r.uploadFileId],
    );
    expect(up.rows[0]).toEqual({
      csv_type: 'receive',
      flavour: 'final',
      status: 'success',
      row_count: 20_001,
      date_from: '2021-01-01',
      date_to: '2021-12-31',
    });
  });

  it('appends a second load without key collisions, and truncates when asked', async () => {
    await loadScaledReceive(client, { rows: 1000, startDate: '2021-01-01', days: 365 });
    const n = await client.query('select count(*)::int n from stg.shogun_final_receive');
    expect(n.rows[0].n).toBe(21_001);
    await loadScaledReceive(client, { rows: 500, flavour: 'flash', truncate: true });
    const f = await client.query('select count(*)::int n from stg.shogun_flash_receive');
    expect(f.rows[0].n).toBe(500);
    const checked = await loadScaledReceive(client, {
      rows: 300,
      flavour: 'final',
      truncate: true,
      skipFkChecks: false,
    });
    expect(checked.fkChecked).toBe(true);
    const t = await client.query('select count(*)::int n from stg.shogun_final_receive');
    expect(t.rows[0].n).toBe(300);
  });
});
