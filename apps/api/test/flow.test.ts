import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvText, encode, receiveRows } from './csv.ts';
import { KINDS } from '../src/ingest/kinds.ts';
import { multipart, testApp, waitFor, waitForUpload, type TestApp } from './helper.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  // Reference data for the target card: the calendar and plans of the test period.
  await t.pool
    .query(`INSERT INTO ref.calendar (ddate, iso_year, iso_week, iso_dow, is_holiday, is_business_day, day_type)
    SELECT d, extract(isoyear from d), extract(week from d), extract(isodow from d), false, extract(isodow from d) < 7,
           CASE WHEN extract(isodow from d) = 7 THEN 'sun_hol' WHEN extract(isodow from d) = 6 THEN 'sat' ELSE 'biz' END
      FROM generate_series(date '2025-01-01', date '2025-12-31', interval '1 day') d`);
  await t.pool.query(
    `INSERT INTO mart.daily_target_plan (ddate, target_ton) SELECT d, 10 FROM generate_series(date '2025-01-01', date '2025-12-31', interval '1 day') d`,
  );
  await t.pool.query(
    `INSERT INTO kpi.monthly_targets (month, target_ton) SELECT d, 300 FROM generate_series(date '2025-01-01', date '2025-12-01', interval '1 month') d`,
  );
  await t.startWorker();
});
afterAll(async () => t?.close());

async function upload(kind: string, flavour: string, content: Buffer, filename = `${kind}.csv`) {
  const body = multipart([
    { name: 'flavour', value: flavour },
    { name: kind, filename, content },
  ]);
  return t.app.inject({ method: 'POST', url: '/upload/csv', ...body });
}

describe('upload → stg → MVs', () => {
  it('lands a CP932 receive final file and the MVs show its tons', async () => {
    // 3 days × 4 lines of 1,500 kg = 6 t per day.
    const file = encode(
      csvText(
        'receive',
        receiveRows('2025-03-03', 3, 4, () => 1500),
      ),
      'cp932',
    );
    const res = await upload('receive', 'final', file);
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body.uploads).toEqual([
      expect.objectContaining({ csvType: 'receive', flavour: 'final', status: 'pending' }),
    ]);
    const id = body.uploads[0].id;
    const done = await waitForUpload(t.pool, id);
    expect(done.error_message).toBeNull();
    expect(done).toMatchObject({ status: 'success', encoding: 'cp932', row_count: 12 });
    const stg = await t.pool.query(
      'SELECT count(*)::int n, sum(net_weight_kg)::float kg FROM stg.shogun_final_receive WHERE upload_file_id = $1',
      [id],
    );
    expect(stg.rows[0]).toEqual({ n: 12, kg: 18000 });
    const raw = await t.pool.query(
      'SELECT count(*)::int n, min(source_line) a, max(source_line) b FROM raw.shogun_receive WHERE upload_file_id = $1',
      [id],
    );
    expect(raw.rows[0]).toEqual({ n: 12, a: 2, b: 13 });

    const refreshed = await waitFor(
      'refresh outcome',
      async () =>
        (await t.pool.query('SELECT refresh_outcome FROM log.upload_file WHERE id = $1', [id])).rows[0]
          ?.refresh_outcome,
    );
    expect(refreshed).toBe('ok');
    const daily = await t.app.inject({ method: 'GET', url: '/inbound/daily?from=2025-03-01&to=2025-03-10' });
    expect(daily.statusCode).toBe(200);
    expect(daily.json().days.map((d: { date: string; receiveNetTon: number }) => [d.date, d.receiveNetTon])).toEqual([
      ['2025-03-03', 6],
      ['2025-03-04', 6],
      ['2025-03-05', 6],
    ]);
    const card = await t.app.inject({ method: 'GET', url: '/dashboard/target-card?date=2025-03-05' });
    expect(card.statusCode).toBe(200);
    expect(card.json()).toMatchObject({ date: '2025-03-05', actualTon: 6, targetTon: 10, wtdActualTon: 18 });
    const one = await t.app.inject({ method: 'GET', url: `/uploads/${id}` });
    expect(one.json()).toMatchObject({
      id,
      status: 'success',
      rowCount: 12,
      dateFrom: '2025-03-03',
      dateTo: '2025-03-05',
      errors: [],
      refresh: { outcome: 'ok' },
    });
    expect(one.json().refresh.mvs.map((m: { mv: string }) => m.mv)).toContain('mart.mv_receive_daily');
  });
});

describe('re-upload of a period', () => {
  const tons = async (flavour: string) =>
    (
      await t.pool
        .query(`SELECT to_char(slip_date, 'MM-DD') d, count(*)::int n, sum(net_weight_kg)::float kg FROM stg.shogun_${flavour}_receive
      WHERE slip_date BETWEEN '2025-05-01' AND '2025-05-31' GROUP BY 1 ORDER BY 1`)
    ).rows;

  it('replaces the flavour rows of the file dates, never duplicates, leaves other dates and the other flavour alone', async () => {
    const first = await upload(
      'receive',
      'final',
      encode(
        csvText(
          'receive',
          receiveRows('2025-05-01', 3, 4, () => 100),
        ),
        'utf-8',
      ),
    );
    expect((await waitForUpload(t.pool, first.json().uploads[0].id)).status).toBe('success');
    const flash = await upload(
      'receive',
      'flash',
      encode(
        csvText(
          'receive',
          receiveRows('2025-05-02', 1, 2, () => 7),
        ),
        'utf-8-bom',
      ),
    );
    expect((await waitForUpload(t.pool, flash.json().uploads[0].id)).status).toBe('success');
    // 05-02..05-04, two lines a day, different slips and weights.
    const second = await upload(
      'receive',
      'final',
      encode(
        csvText(
          'receive',
          receiveRows('2025-05-02', 3, 2, () => 250, 'T'),
        ),
        'cp932',
      ),
    );
    const id2 = second.json().uploads[0].id;
    expect(await waitForUpload(t.pool, id2)).toMatchObject({ status: 'success', row_count: 6 });
    expect(await tons('final')).toEqual([
      { d: '05-01', n: 4, kg: 400 },
      { d: '05-02', n: 2, kg: 500 },
      { d: '05-03', n: 2, kg: 500 },
      { d: '05-04', n: 2, kg: 500 },
    ]);
    expect(await tons('flash')).toEqual([{ d: '05-02', n: 2, kg: 14 }]);
    // The very same bytes again: refused as a duplicate of the upload that landed them.
    const dup = await upload(
      'receive',
      'final',
      encode(
        csvText(
          'receive',
          receiveRows('2025-05-02', 3, 2, () => 250, 'T'),
        ),
        'cp932',
      ),
    );
    expect(dup.statusCode).toBe(409);
    // A failing re-upload of the period changes nothing.
    const bad = await upload(
      'receive',
      'final',
      encode(
        csvText('receive', [
          ...receiveRows('2025-05-02', 1, 2, () => 1),
          ['2025/05/03', 'Z', 'x', 'V', 'n', 'A', 'i', '1', '1', 'kg', '1', '1'],
        ]),
        'utf-8',
      ),
    );
    expect((await waitForUpload(t.pool, bad.json().uploads[0].id)).status).toBe('failed');
    expect((await tons('final')).map((r: { kg: number }) => r.kg)).toEqual([400, 500, 500, 500]);
  });

  it('keeps every raw field exactly as received (quotes, commas, CR, spaces, empties) and types stg from the trimmed values', async () => {
    const header = KINDS.receive.columns.map((c) => c.header).join(',');
    const lines = [
      header,
      // vendor name quoted with a comma and doubled quotes; item name with a bare CR (unquoted);
      // unit name quoted with a line break; spaces around the vendor code; empty quantity.
      '2025/06/02,S1,1, V01 ,"株式会社 ""テスト"", 本社",A01,a\rb,"1,234.5",,"k\r\ng",\u300012\u3000,"14,960"',
      '2025-06-03,S2,2,V02,,A02,\\back\tslash,0.0005,-3,kg,,',
    ];
    const res = await upload('receive', 'flash', Buffer.from(lines.join('\r\n') + '\r\n'));
    const id = res.json().uploads[0].id;
    expect(await waitForUpload(t.pool, id)).toMatchObject({ status: 'success', row_count: 2 });
    const raw = await t.pool.query(
      'SELECT source_line, vendor_cd, vendor_name, item_name, net_weight_kg, quantity, unit_name, unit_price, amount FROM raw.shogun_receive WHERE upload_file_id = $1 ORDER BY 1',
      [id],
    );
    expect(raw.rows).toEqual([
      {
        source_line: 2,
        vendor_cd: ' V01 ',
        vendor_name: '株式会社 "テスト", 本社',
        item_name: 'a\rb',
        net_weight_kg: '1,234.5',
        quantity: '',
        unit_name: 'k\r\ng',
        unit_price: '\u300012\u3000',
        amount: '14,960',
      },
      {
        source_line: 4,
        vendor_cd: 'V02',
        vendor_name: '',
        item_name: '\\back\tslash',
        net_weight_kg: '0.0005',
        quantity: '-3',
        unit_name: 'kg',
        unit_price: '',
        amount: '',
      },
    ]);
    const stg = await t.pool.query(
      `SELECT source_line, slip_date::text, vendor_cd, vendor_name, item_name, net_weight_kg::text, quantity::text, unit_name, unit_price::text, amount::text
         FROM stg.shogun_flash_receive WHERE upload_file_id = $1 ORDER BY 1`,
      [id],
    );
    expect(stg.rows).toEqual([
      {
        source_line: 2,
        slip_date: '2025-06-02',
        vendor_cd: 'V01',
        vendor_name: '株式会社 "テスト", 本社',
        item_name: 'a\rb',
        net_weight_kg: '1234.500',
        quantity: null,
        unit_name: 'k\r\ng',
        unit_price: '12.00',
        amount: '14960.00',
      },
      {
        source_line: 4,
        slip_date: '2025-06-03',
        vendor_cd: 'V02',
        vendor_name: null,
        item_name: '\\back\tslash',
        net_weight_kg: '0.001',
        quantity: '-3.000',
        unit_name: 'kg',
        unit_price: null,
        amount: null,
      },
    ]);
  });
});
