import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '@warehouse/db';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { createPrismaClient, type PrismaClient } from '@warehouse/db/client';
import { applyAllMigrations } from './helpers/migrations.ts';

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('Prisma client on the migrated schema', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'), { prefix: 'schema' });
    await withClient(db.url, (client) => applyAllMigrations(client));
    prisma = createPrismaClient(db.url);
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  // mart.mv_receive_daily is an incremental table (the refresher keeps it); rebuild it whole from
  // its declared query, as a full refresh does.
  async function rebuildReceiveDaily() {
    await prisma.$transaction([
      prisma.$executeRawUnsafe('DELETE FROM mart.mv_receive_daily'),
      prisma.$executeRawUnsafe('INSERT INTO mart.mv_receive_daily SELECT * FROM mart.mv_receive_daily__query'),
    ]);
  }

  async function upload(csvType: string, flavour: string) {
    return prisma.uploadFile.create({
      data: { csvType, flavour, fileName: `${flavour}_${csvType}.csv`, fileSha256: 'ab'.repeat(32), fileSize: 123n },
    });
  }

  async function calendarDay(iso: string, fields: { isoWeek: number; isoDow: number; isBusinessDay?: boolean }) {
    return prisma.calendar.create({
      data: {
        ddate: d(iso),
        isoYear: 2025,
        isoWeek: fields.isoWeek,
        isoDow: fields.isoDow,
        isBusinessDay: fields.isBusinessDay ?? fields.isoDow <= 6,
        dayType: fields.isoDow <= 5 ? 'biz' : fields.isoDow === 6 ? 'sat' : 'sun_hol',
      },
    });
  }

  it('writes and reads a ref.calendar row (date column round-trips as UTC midnight)', async () => {
    await calendarDay('2025-01-06', { isoWeek: 2, isoDow: 1 });
    const row = await prisma.calendar.findUniqueOrThrow({ where: { ddate: d('2025-01-06') } });
    expect(row).toMatchObject({
      isoYear: 2025,
      isoWeek: 2,
      isoDow: 1,
      isHoliday: false,
      holidayName: null,
      dayType: 'biz',
    });
    expect(row.ddate.toISOString()).toBe('2025-01-06T00:00:00.000Z');
    const { rows } = await withClient(db.url, (c) =>
      c.query('SELECT ddate::text AS ddate FROM ref.calendar WHERE iso_week = 2'),
    );
    expect(rows).toEqual([{ ddate: '2025-01-06' }]);
  });

  it('stores a stg receive row with its log.upload_file id, enforces the natural key; deleting an upload cascades only its blob and row errors', async () => {
    const file = await upload('receive', 'final');
    expect(file.status).toBe('pending');
    await prisma.uploadBlob.create({
      data: { uploadFileId: file.id, chunkNo: 0, data: Buffer.from('伝票日付,伝票番号\r\n') },
    });
    await prisma.rawShogunReceive.create({
      data: { uploadFileId: file.id, sourceLine: 2, slipDate: '2025/02/03', netWeightKg: '1,234.5' },
    });
    const row = await prisma.stgShogunFinalReceive.create({
      data: {
        slipDate: d('2025-02-03'),
        slipNo: 'S1',
        lineNo: 1,
        vendorCd: 'V01',
        netWeightKg: '1234.5',
        amount: '5000.00',
        uploadFileId: file.id,
        sourceLine: 2,
      },
    });
    const read = await prisma.stgShogunFinalReceive.findUniqueOrThrow({
      where: { slipDate_slipNo_lineNo: { slipDate: d('2025-02-03'), slipNo: 'S1', lineNo: 1 } },
    });
    expect(read.sourceLine).toBe(row.sourceLine);
    expect(read.netWeightKg?.toFixed(3)).toBe('1234.500');
    expect((await prisma.uploadFile.findUniqueOrThrow({ where: { id: read.uploadFileId } })).fileName).toBe(
      'final_receive.csv',
    );

    const duplicate = prisma.stgShogunFinalReceive.create({
      data: { slipDate: d('2025-02-03'), slipNo: 'S1', lineNo: 1, uploadFileId: file.id, sourceLine: 3 },
    });
    await expect(duplicate).rejects.toMatchObject({ code: 'P2002' });

    // raw/stg rows have no FK to log.upload_file (ingest speed, migration 20261122182523): purging an
    // upload deletes its rows explicitly; its blob chunks, row errors and touched dates still cascade.
    await prisma.rawShogunReceive.deleteMany({ where: { uploadFileId: file.id } });
    await prisma.stgShogunFinalReceive.deleteMany({ where: { uploadFileId: file.id } });
    await prisma.uploadFile.delete({ where: { id: file.id } });
    expect(await prisma.uploadBlob.count({ where: { uploadFileId: file.id } })).toBe(0);
    const fks = await withClient(db.url, (c) =>
      c.query(
        `SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'f' AND confrelid = 'log.upload_file'::regclass ORDER BY 1`,
      ),
    );
    expect(fks.rows).toEqual([{ t: 'log.upload_blob' }, { t: 'log.upload_error' }, { t: 'log.upload_touched_date' }]);
  });

  it('reads mv_receive_daily after REFRESH: final wins over flash for a date, tons = kg / 1000', async () => {
    const flash = await upload('receive', 'flash');
    const final = await upload('receive', 'final');
    await prisma.stgShogunFlashReceive.createMany({
      data: [
        {
          slipDate: d('2025-03-03'),
          slipNo: 'F1',
          lineNo: 1,
          netWeightKg: '1000',
          amount: '100',
          uploadFileId: flash.id,
          sourceLine: 2,
        },
        {
          slipDate: d('2025-03-03'),
          slipNo: 'F2',
          lineNo: 1,
          netWeightKg: '500',
          amount: '50',
          uploadFileId: flash.id,
          sourceLine: 3,
        },
        {
          slipDate: d('2025-03-04'),
          slipNo: 'F3',
          lineNo: 1,
          netWeightKg: '1200',
          amount: '120',
          uploadFileId: flash.id,
          sourceLine: 4,
        },
      ],
    });
    await prisma.stgShogunFinalReceive.createMany({
      data: [
        {
          slipDate: d('2025-03-03'),
          slipNo: 'K1',
          lineNo: 1,
          netWeightKg: '2000.5',
          amount: '200',
          uploadFileId: final.id,
          sourceLine: 2,
        },
        {
          slipDate: d('2025-03-03'),
          slipNo: 'K1',
          lineNo: 2,
          netWeightKg: '345',
          amount: '34.50',
          uploadFileId: final.id,
          sourceLine: 3,
        },
      ],
    });
    expect(await prisma.mvReceiveDaily.count()).toBe(0); // built at migrate time, before these rows
    await rebuildReceiveDaily();

    const days = await prisma.mvReceiveDaily.findMany({ orderBy: { ddate: 'asc' } });
    expect(
      days.map((r) => ({
        ddate: r.ddate.toISOString().slice(0, 10),
        isoYear: r.isoYear,
        isoWeek: r.isoWeek,
        ton: r.receiveNetTon?.toFixed(4),
        slips: r.slipCount,
        yen: r.amountYen?.toFixed(2),
      })),
    ).toEqual([
      { ddate: '2025-03-03', isoYear: 2025, isoWeek: 10, ton: '2.3455', slips: 1n, yen: '234.50' },
      { ddate: '2025-03-04', isoYear: 2025, isoWeek: 10, ton: '1.2000', slips: 1n, yen: '120.00' },
    ]);
  });

  it('mv_target_card_per_day: achievement_ratio is NULL (not an error) when the target is 0', async () => {
    // Builds on the receive rows of the previous test: 2025-03-03 → 2.3455 t, 2025-03-04 → 1.2 t.
    await calendarDay('2025-03-03', { isoWeek: 10, isoDow: 1 });
    await calendarDay('2025-03-04', { isoWeek: 10, isoDow: 2 });
    await prisma.dailyTargetPlan.createMany({
      data: [
        { ddate: d('2025-03-03'), targetTon: '0' },
        { ddate: d('2025-03-04'), targetTon: '2.4' },
      ],
    });
    await rebuildReceiveDaily();
    await prisma.$executeRawUnsafe('REFRESH MATERIALIZED VIEW CONCURRENTLY mart.mv_target_card_per_day');

    const zero = await prisma.mvTargetCardPerDay.findUniqueOrThrow({ where: { ddate: d('2025-03-03') } });
    expect(zero.targetTon?.toFixed(3)).toBe('0.000');
    expect(zero.actualTon?.toFixed(4)).toBe('2.3455');
    expect(zero.achievementRatio).toBeNull();

    const next = await prisma.mvTargetCardPerDay.findUniqueOrThrow({ where: { ddate: d('2025-03-04') } });
    expect(next.achievementRatio?.toFixed(4)).toBe('0.5000');
    expect(next.wtdTargetTon?.toFixed(3)).toBe('2.400');
    expect(next.wtdActualTon?.toFixed(4)).toBe('3.5455');
    expect(next.mtdActualTon?.toFixed(4)).toBe('3.5455');
  });
});
