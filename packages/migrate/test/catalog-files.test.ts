// The catalog's file format and the Prisma view-block check (pure functions; the end-to-end
// behaviour on PostgreSQL is in catalog.test.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CATALOG_DIR,
  expandCatalog,
  parseCatalogFile,
  parseQueryViewComment,
  readCatalog,
  renderCatalogFile,
} from '@warehouse/db/views';
import { queryReferences } from '../src/catalog/refs.ts';
import { checkPrismaViews, parsePrismaViews, updatePrismaViewBlocks } from '../src/catalog/prisma-views.ts';
import type { DbObject, DbState } from '../src/catalog/state.ts';
import { DEFAULT_SCHEMA_PATH } from '../src/engine/migrations.ts';
import { DOMAIN_OBJECTS } from '@warehouse/db/schema';

const MV = `-- materialized view mart.mv_x
-- comment: what it is for,
--   continued on a second line
-- label: 日別の何か
-- unique index ux_mv_x (ddate)
-- index ix_mv_x_week (iso_year, iso_week)
-- with (fillfactor = 90)
-- populate: after migrate

-- a comment of the query itself
SELECT ddate FROM mart.t;
`;

describe('catalog files', () => {
  it('parses the header: kind, comment (continued), indexes unique first, options, populate; the query without its semicolon', () => {
    const o = parseCatalogFile(MV, 'mv_x.sql', { schema: 'mart', relname: 'mv_x' });
    expect(o).toMatchObject({
      name: 'mart.mv_x',
      kind: 'matview',
      comment: 'what it is for, continued on a second line',
      label: '日別の何か',
      indexes: [
        { name: 'ux_mv_x', unique: true, spec: '(ddate)' },
        { name: 'ix_mv_x_week', unique: false, spec: '(iso_year, iso_week)' },
      ],
      options: 'fillfactor = 90',
      populate: 'after-migrate',
      query: '-- a comment of the query itself\nSELECT ddate FROM mart.t',
    });
    expect(parseCatalogFile(renderCatalogFile(o), 'again.sql')).toMatchObject({
      ...o,
      file: 'again.sql',
      comment: o.comment,
    });
  });

  it('refuses what it cannot mean, naming the file and the fix', () => {
    const bad = (text: string) => () => parseCatalogFile(text, 'f.sql', { schema: 'mart', relname: 'v_x' });
    expect(bad('SELECT 1')).toThrow(/f\.sql: has no header/);
    expect(bad('-- view mart.v_y\n\nSELECT 1')).toThrow(/declares mart\.v_y but its path says mart\.v_x/);
    expect(bad('-- view mart.v_x\n-- index ix (a)\n\nSELECT 1')).toThrow(/a plain view cannot have indexes/);
    expect(bad('-- materialized view mart.v_x\n-- index ix (a)\n-- unique index ux (a)\n\nSELECT 1')).toThrow(
      /unique index ux must come before/,
    );
    expect(bad('-- view mart.v_x\n-- commnet: typo\n\nSELECT 1')).toThrow(
      /header line "-- commnet: typo" is not one of/,
    );
    expect(bad('-- view mart.v_x\n\nCREATE VIEW mart.v_x AS SELECT 1')).toThrow(/keep only the query/);
  });

  it('the repository catalog: every view and MV has a comment and a Japanese label, and DOMAIN_OBJECTS lists them', () => {
    const catalog = readCatalog(DEFAULT_CATALOG_DIR);
    expect(catalog.length).toBeGreaterThan(10);
    for (const o of catalog) expect(o.comment, o.name).toBeTruthy();
    // The console's freshness page shows staff this label instead of the relation's name.
    for (const o of catalog) expect(o.label, o.name).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    for (const o of catalog) expect(DOMAIN_OBJECTS).toContainEqual({ name: o.name, kind: o.kind });
    expect(DOMAIN_OBJECTS).toContainEqual({ name: 'log.upload_file', kind: 'table' });
    expect(DOMAIN_OBJECTS).toContainEqual({ name: 'mart.mv_receive_daily', kind: 'table' });
    expect(DOMAIN_OBJECTS).toContainEqual({ name: 'mart.mv_receive_daily__query', kind: 'view' });
  });
});

const INCREMENTAL = `-- materialized view mart.mv_x
-- comment: per day
-- incremental by ddate
-- unique index ux_mv_x (ddate)

SELECT s.slip_date AS ddate, sum(s.amount) AS amount FROM stg.s s GROUP BY s.slip_date
`;

describe('incremental objects in the catalog', () => {
  it('`-- incremental by COL` makes a table filled from its query view `<name>__query`, which names the table and key', () => {
    const o = parseCatalogFile(INCREMENTAL, 'mv_x.sql', { schema: 'mart', relname: 'mv_x' });
    expect(o).toMatchObject({ name: 'mart.mv_x', kind: 'table', incremental: { key: 'ddate' } });
    expect(parseCatalogFile(renderCatalogFile(o), 'again.sql')).toMatchObject({
      kind: 'table',
      incremental: { key: 'ddate' },
    });
    const [view, table] = expandCatalog([o]);
    expect(view).toMatchObject({ name: 'mart.mv_x__query', kind: 'view', indexes: [], query: o.query });
    expect(parseQueryViewComment(view!.comment)).toEqual({ table: 'mart.mv_x', key: 'ddate' });
    expect(table).toMatchObject({ name: 'mart.mv_x', kind: 'table', query: 'SELECT * FROM mart.mv_x__query' });
    expect(table!.indexes).toEqual(o.indexes);
  });

  it('refuses incremental on a plain view, with populate: after migrate, or with a bad key', () => {
    const bad = (text: string) => () => parseCatalogFile(text, 'f.sql', { schema: 'mart', relname: 'mv_x' });
    expect(bad(INCREMENTAL.replace('materialized view', 'view').replace(/-- unique.*\n/, ''))).toThrow(
      /incremental by applies to materialized views only/,
    );
    expect(
      bad(INCREMENTAL.replace('-- incremental by ddate', '-- incremental by ddate\n-- populate: after migrate')),
    ).toThrow(/populate: after migrate cannot be combined with incremental by/);
    expect(bad(INCREMENTAL.replace('by ddate', 'by Ddate'))).toThrow(/the key must be a lower-case column name/);
  });

  it('the generator refuses a window function in an incremental query, naming it and why', async () => {
    const running = parseCatalogFile(
      INCREMENTAL.replace('sum(s.amount) AS amount', 'sum(sum(s.amount)) OVER (ORDER BY s.slip_date) AS running'),
      'mv_x.sql',
    );
    await expect(queryReferences(running)).rejects.toThrow(
      /mv_x\.sql: incremental by ddate is refused: the query uses window function sum \(… OVER …\)/,
    );
    // The same query as an ordinary MV is fine; so is the incremental one without the window.
    const plain = parseCatalogFile(
      INCREMENTAL.replace('-- incremental by ddate\n', '').replace(
        'sum(s.amount) AS amount',
        'sum(sum(s.amount)) OVER (ORDER BY s.slip_date) AS running',
      ),
      'mv_x.sql',
    );
    expect(await queryReferences(plain)).toEqual(['stg.s']);
    expect(await queryReferences(parseCatalogFile(INCREMENTAL, 'mv_x.sql'))).toEqual(['stg.s']);
  });
});

describe('Prisma view blocks against the objects', () => {
  const obj: DbObject = {
    name: 'mart.mv_x',
    kind: 'matview',
    def: 'SELECT 1',
    columns: [
      { name: 'ddate', type: 'date', notNull: false },
      { name: 'net_ton', type: 'numeric', notNull: false },
    ],
    indexes: [{ name: 'ux', unique: true, def: 'CREATE UNIQUE INDEX ux ON mart.mv_x USING btree (ddate)' }],
    comment: null,
    options: [],
    populated: true,
    reads: [],
  };
  const state: DbState = { objects: new Map([[obj.name, obj]]), relations: new Set([obj.name]) };
  const block = (fields: string) => `view MvX {\n${fields}\n\n  @@map("mv_x")\n  @@schema("mart")\n}\n`;

  it('accepts a matching block and names each mismatch, with a block to paste', () => {
    expect(
      checkPrismaViews(block('  ddate DateTime @unique @db.Date\n  netTon Decimal? @map("net_ton")'), state),
    ).toEqual([]);
    const [p] = checkPrismaViews(
      block('  ddate DateTime @db.Date\n  netTon Int @map("net_ton")\n  gone String? @map("gone")'),
      state,
    );
    expect(p!.message).toContain('field netTon is Int but net_ton is numeric (Decimal)');
    expect(p!.message).toContain('field netTon is required but net_ton may be NULL');
    expect(p!.message).toContain('field gone maps column gone, which mart.mv_x does not have');
    expect(p!.message).toContain('its unique criterion is (none) but the unique index of mart.mv_x is on (ddate)');
    expect(p!.suggestion).toContain('netTon Decimal? @map("net_ton")');
    expect(checkPrismaViews(block('  ddate DateTime @unique @db.Date'), state)[0]!.message).toContain(
      'column net_ton (numeric) has no field',
    );
  });

  it('db:migrate:new rewrites a stale block: docs and names kept, types fixed, columns added and removed', () => {
    const stale = `model T {\n  id Int @id\n}\n\n${block('  /// the day\n  ddate DateTime @db.Date\n  gone String? @map("gone")')}`;
    const { text, updated } = updatePrismaViewBlocks(stale, state);
    expect(updated).toEqual(['MvX']);
    expect(checkPrismaViews(text, state)).toEqual([]);
    expect(text).toContain('  /// the day\n  ddate DateTime @unique @db.Date\n  netTon Decimal? @map("net_ton")');
    expect(text).not.toContain('gone');
    expect(text.startsWith('model T {\n  id Int @id\n}\n')).toBe(true);
    expect(updatePrismaViewBlocks(text, state)).toEqual({ text, updated: [] });
  });

  it("the repository's schema.prisma view blocks all map catalog objects", () => {
    const text = readFileSync(DEFAULT_SCHEMA_PATH, 'utf8');
    const views = parsePrismaViews(text);
    expect(views.map((v) => v.name)).toEqual(
      expect.arrayContaining(['mart.mv_receive_daily', 'mart.mv_target_card_per_day']),
    );
    const catalog = new Set(readCatalog().map((o) => o.name));
    for (const v of views) expect(catalog.has(v.name), v.name).toBe(true);
  });
});
