// GET /sales/customers/daily over mart.v_customer_sales_daily (built by the view catalog).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from './helper.ts';

describe('GET /sales/customers/daily', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
    const line = (
      flavour: string,
      date: string,
      slip: string,
      lineNo: number,
      cd: string | null,
      name: string,
      item: string,
      kg: number,
      yen: number,
    ) =>
      t.pool.query(
        `INSERT INTO stg.shogun_${flavour}_shipment (slip_date, slip_no, line_no, vendor_cd, vendor_name, item_cd, item_name, net_weight_kg, amount, upload_file_id, source_line)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, 1, $3)`,
        [date, slip, lineNo, cd, name, item, kg, yen],
      );
    // 2030-01-01: final rows exist, so the flash row of that date is ignored.
    await line('final', '2030-01-01', 'S1', 1, 'C1', '青木商事', 'I1', 1500, 30000);
    await line('final', '2030-01-01', 'S1', 2, 'C1', '青木商事', 'I2', 500, 10000);
    await line('final', '2030-01-01', 'S2', 1, 'C1', '青木商事', 'I1', 1000, 20000);
    await line('final', '2030-01-01', 'S3', 1, 'C2', 'Beta', 'I1', 250, 5000);
    await line('flash', '2030-01-01', 'F9', 1, 'C1', '青木商事', 'I1', 99999, 1);
    // 2030-01-02: only flash rows.
    await line('flash', '2030-01-02', 'F1', 1, null, 'no code', 'I3', 2000, 40000);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('returns one row per date and customer; final wins over flash; slips counted once across items', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/sales/customers/daily?from=2030-01-01&to=2030-01-31' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      rows: [
        {
          ddate: '2030-01-01',
          customerCd: 'C1',
          customerName: '青木商事',
          netTon: 3,
          amountYen: 60000,
          itemCount: 2,
          slipCount: 2,
        },
        {
          ddate: '2030-01-01',
          customerCd: 'C2',
          customerName: 'Beta',
          netTon: 0.25,
          amountYen: 5000,
          itemCount: 1,
          slipCount: 1,
        },
        {
          ddate: '2030-01-02',
          customerCd: '',
          customerName: 'no code',
          netTon: 2,
          amountYen: 40000,
          itemCount: 1,
          slipCount: 1,
        },
      ],
    });
    const one = await t.app.inject({
      method: 'GET',
      url: '/sales/customers/daily?from=2030-01-01&to=2030-01-02&customer=C2',
    });
    expect(one.json().rows.map((r: { customerCd: string }) => r.customerCd)).toEqual(['C2']);
  });

  it('refuses bad periods with a code and a message naming the value', async () => {
    const bad = async (qs: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/sales/customers/daily?${qs}` });
      expect(res.statusCode, qs).toBe(400);
      return res.json();
    };
    expect((await bad('from=2030-01-01')).code).toBe('FST_ERR_VALIDATION');
    expect((await bad('from=2030/01/01&to=2030-01-02')).code).toBe('FST_ERR_VALIDATION');
    expect(await bad('from=2030-02-30&to=2030-03-01')).toMatchObject({
      code: 'E_BAD_DATE',
      error: expect.stringContaining('from=2030-02-30'),
    });
    expect((await bad('from=2030-02-01&to=2030-01-01')).code).toBe('E_BAD_RANGE');
    expect((await bad('from=2028-01-01&to=2030-01-01')).code).toBe('E_RANGE_TOO_LONG');
  });
});
