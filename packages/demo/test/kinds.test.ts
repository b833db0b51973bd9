import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '@warehouse/db';
import {
  contractProblems,
  CSV_TYPES,
  FLAVOURS,
  headerProblem,
  KINDS,
  mapKinds,
  rawTable,
  stgColumnType,
  stgHistoryTable,
  stgTable,
  type CsvType,
  type KindSpec,
} from '@warehouse/db/kinds';
import { SHOGUN_HEADERS } from '../src/index.ts';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';

const schemaFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../db/prisma/schema.prisma');

/** `schema.table` of every model in schema.prisma that lives in `schemas`. */
async function prismaTables(schemas: string[]): Promise<string[]> {
  const text = await readFile(schemaFile, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^model \w+ \{([\s\S]*?)^\}/gm)) {
    const table = /@@map\("([^"]+)"\)/.exec(m[1]!)?.[1];
    const schema = /@@schema\("([^"]+)"\)/.exec(m[1]!)?.[1];
    if (table && schema && schemas.includes(schema)) out.push(`${schema}.${table}`);
  }
  return out.sort();
}

const contractTables = (kinds: Readonly<Record<string, KindSpec>>) =>
  Object.keys(kinds)
    .flatMap((k) => [rawTable(k), ...FLAVOURS.flatMap((f) => [stgTable(k, f), stgHistoryTable(k, f)])])
    .sort();

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject('pgAdminUrl'), { template: await createMigratedTemplate(inject('pgAdminUrl')) });
});
afterAll(async () => {
  await db?.drop();
});

describe('the CSV-kind contract (@warehouse/db/kinds)', () => {
  it("schema.prisma's raw and stg models are exactly the contract's tables", async () => {
    expect(await prismaTables(['raw', 'stg'])).toEqual(contractTables(KINDS));
  });

  it('a database migrated to head has every contract column in its type', async () => {
    expect(await withClient(db.url, (c) => contractProblems(c, KINDS))).toEqual([]);
  });

  it('a changed column type in the database is reported with the contract type', async () => {
    const scratch = await createTestDatabase(inject('pgAdminUrl'), {
      template: await createMigratedTemplate(inject('pgAdminUrl')),
    });
    try {
      await withClient(scratch.url, (c) =>
        c.query('alter table stg.shogun_final_yard alter column net_weight_kg type numeric(10,1)'),
      );
      expect(await withClient(scratch.url, (c) => contractProblems(c, KINDS))).toEqual([
        'stg.shogun_final_yard.net_weight_kg is numeric(10,1), the contract says numeric(14,3); change schema.prisma and migrate',
      ]);
    } finally {
      await scratch.drop();
    }
  });

  it("the demo generator's headers and the upload check derive from it", () => {
    for (const kind of CSV_TYPES) {
      expect(SHOGUN_HEADERS[kind]).toEqual(KINDS[kind].columns.map((c) => c.header));
      expect(headerProblem(kind, [...SHOGUN_HEADERS[kind]])).toBeUndefined();
    }
    expect(headerProblem('receive', [...SHOGUN_HEADERS.yard])).toContain(
      'the header is the one of a yard file (ヤード一覧)',
    );
  });

  it('a per-kind record that misses a kind does not compile', () => {
    // @ts-expect-error — yard is missing: the refresher's MV_MAPPING and the demo shapes are typed this way.
    const partial: Record<CsvType, number> = { receive: 1, shipment: 2 };
    expect(Object.keys(partial)).toHaveLength(2);
    expect(Object.keys(mapKinds(() => 0))).toEqual([...CSV_TYPES]);
  });
});

describe('adding a CSV kind (the steps in docs/design.md)', () => {
  // A throw-away kind, as step 1 would add it to KINDS.
  const scale: KindSpec = {
    label: '計量一覧',
    columns: [
      ...KINDS.yard.columns.slice(0, 3),
      { header: '車番', column: 'vehicle_no', type: 'text' },
      { header: '正味重量', column: 'net_weight_kg', type: 'numeric', precision: 14, scale: 3, nonNegative: true },
    ],
  };
  const withScale = { ...KINDS, scale };

  it('until schema.prisma has its tables and they are migrated, the check names each missing table', async () => {
    expect(await withClient(db.url, (c) => contractProblems(c, withScale))).toEqual([
      expect.stringMatching(/^raw\.shogun_scale does not exist; add the model to packages\/db\/prisma\/schema\.prisma/),
      expect.stringMatching(/^stg\.shogun_flash_scale does not exist/),
      expect.stringMatching(/^stg\.shogun_final_scale does not exist/),
    ]);
  });

  it('with the tables step 2 describes (what the migration creates), the contract holds again', async () => {
    const scratch = await createTestDatabase(inject('pgAdminUrl'), {
      template: await createMigratedTemplate(inject('pgAdminUrl')),
    });
    try {
      const raw = scale.columns.map((c) => `${c.column} text`).join(', ');
      const stg = scale.columns
        .map((c) => `${c.column} ${stgColumnType(c)}${c.required ? ' not null' : ''}`)
        .join(', ');
      await withClient(scratch.url, async (c) => {
        await c.query(
          `create table raw.shogun_scale (upload_file_id bigint not null, source_line integer not null, ${raw}, primary key (upload_file_id, source_line))`,
        );
        for (const f of FLAVOURS) {
          await c.query(
            `create table stg.shogun_${f}_scale (${stg}, upload_file_id bigint not null, source_line integer not null, created_at timestamptz(6) default now(), primary key (slip_date, slip_no, line_no))`,
          );
        }
      });
      expect(await withClient(scratch.url, (c) => contractProblems(c, withScale))).toEqual([]);
      // …and the real contract still holds beside it.
      expect(await withClient(scratch.url, (c) => contractProblems(c, KINDS))).toEqual([]);
    } finally {
      await scratch.drop();
    }
  });
});
