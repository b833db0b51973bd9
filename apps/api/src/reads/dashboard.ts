/**
 * The dashboard's reads, one named function per figure: the JSON routes (routes/dashboard.ts,
 * routes/sales.ts) and the Excel export (routes/dashboard-export.ts) both call these, so a
 * workbook and the screen cannot disagree by carrying two copies of the SQL.
 */
import type pg from 'pg';
import type { Static } from '@fastify/type-provider-typebox';
import { mvRows } from '../schemas.ts';
import { CARD_DAY_SQL, type CardDay } from './target-card.ts';

export type CardDayRow = Static<typeof CardDay>;
export interface LastYearRow {
  date: string;
  receiveNetTon: number | null;
}
export interface WeekRow {
  isoYear: number;
  isoWeek: number;
  weekStart: string;
  receiveNetTon: number | null;
  slipCount: number | null;
  amountYen: number | null;
}
export interface MonthTotalRow {
  month: string;
  daysWithData: number;
  receiveNetTon: number | null;
  slipCount: number | null;
  amountYen: number | null;
  lastYearTon: number | null;
}
export interface ProfileWeekRow {
  isoWeek: number;
  avgTon: number | null;
  stddevTon: number | null;
  thisYearTon: number | null;
  thisYearPartial: boolean;
}
export interface RepRow {
  salesRep: string;
  shipmentNetTon: number | null;
  slipCount: number | null;
  amountYen: number | null;
}
export interface CustomerSalesDayRow {
  ddate: string;
  customerCd: string;
  customerName: string | null;
  netTon: number;
  amountYen: number;
  itemCount: number;
  slipCount: number;
}

/** The totals columns of mart.v_receive_weekly / v_receive_monthly. */
const TOTALS_SQL = `receive_net_ton::float8 AS "receiveNetTon", slip_count::float8 AS "slipCount", amount_yen::float8 AS "amountYen"`;

/** A month's days from mart.mv_target_card_per_day, and the same month a year earlier. `month`: YYYY-MM. */
export async function readMonth(pool: pg.Pool, month: string) {
  const days = await mvRows<CardDayRow>(
    pool,
    `SELECT ${CARD_DAY_SQL}
       FROM mart.mv_target_card_per_day WHERE ddate >= $1::date AND ddate < ($1::date + interval '1 month') ORDER BY ddate`,
    [`${month}-01`],
  );
  const ly = await mvRows<LastYearRow>(
    pool,
    `SELECT to_char(ddate, 'YYYY-MM-DD') AS date, receive_net_ton::float8 AS "receiveNetTon"
       FROM mart.mv_receive_daily WHERE ddate >= $1::date - interval '1 year' AND ddate < $1::date - interval '1 year' + interval '1 month' ORDER BY ddate`,
    [`${month}-01`],
  );
  const [y, m] = month.split('-');
  return {
    month,
    days,
    lastYear: {
      month: `${Number(y) - 1}-${m}`,
      receiveNetTon: ly.length ? ly.reduce((a, d) => a + (d.receiveNetTon ?? 0), 0) : null,
      days: ly,
    },
  };
}

/** Receipts per ISO week whose Monday falls in [from, to]. */
export async function readWeekly(pool: pg.Pool, from: string, to: string): Promise<WeekRow[]> {
  return mvRows<WeekRow>(
    pool,
    `SELECT iso_year AS "isoYear", iso_week AS "isoWeek", to_char(week_start, 'YYYY-MM-DD') AS "weekStart", ${TOTALS_SQL}
       FROM mart.v_receive_weekly WHERE week_start BETWEEN $1::date AND $2::date ORDER BY week_start`,
    [from, to],
  );
}

/** Receipts per calendar month in [from, to], with the same month a year earlier. */
export async function readMonthly(pool: pg.Pool, from: string, to: string): Promise<MonthTotalRow[]> {
  return mvRows<MonthTotalRow>(
    pool,
    `SELECT to_char(m.month, 'YYYY-MM') AS "month", m.days_with_data::int AS "daysWithData",
            m.receive_net_ton::float8 AS "receiveNetTon", m.slip_count::float8 AS "slipCount", m.amount_yen::float8 AS "amountYen",
            ly.receive_net_ton::float8 AS "lastYearTon"
       FROM mart.v_receive_monthly m
       LEFT JOIN mart.v_receive_monthly ly ON ly.month = (m.month - interval '1 year')::date
      WHERE m.month BETWEEN date_trunc('month', $1::date) AND $2::date ORDER BY m.month`,
    [from, to],
  );
}

/**
 * Tons per ISO week: average and standard deviation over the 5 years before `year`, and `year`.
 * Weeks of years without any data count as no data (not as zero), so a young warehouse's
 * profile is not dragged down by years before its first upload.
 */
export async function readProfile(pool: pg.Pool, year: number) {
  const weeks = await mvRows<ProfileWeekRow>(
    pool,
    `WITH w AS (SELECT iso_year, iso_week, week_start, receive_net_ton FROM mart.v_receive_weekly WHERE iso_year BETWEEN $1::int - 5 AND $1::int)
   SELECT g.wk AS "isoWeek",
          (avg(w.receive_net_ton) FILTER (WHERE w.iso_year < $1))::float8 AS "avgTon",
          (stddev_samp(w.receive_net_ton) FILTER (WHERE w.iso_year < $1))::float8 AS "stddevTon",
          (max(w.receive_net_ton) FILTER (WHERE w.iso_year = $1))::float8 AS "thisYearTon",
          coalesce(bool_or(w.iso_year = $1 AND last.d BETWEEN w.week_start AND w.week_start + 4), false) AS "thisYearPartial"
     FROM generate_series(1, 53) g(wk) LEFT JOIN w ON w.iso_week = g.wk
     CROSS JOIN (SELECT max(ddate) AS d FROM mart.mv_receive_daily) last
    GROUP BY g.wk ORDER BY g.wk`,
    [year],
  );
  return { year, baseYears: [1, 2, 3, 4, 5].map((k) => year - 6 + k), weeks };
}

/** Shipments per sales rep in [from, to], heaviest first. */
export async function readReps(pool: pg.Pool, from: string, to: string): Promise<RepRow[]> {
  return mvRows<RepRow>(
    pool,
    `SELECT sales_rep AS "salesRep", sum(shipment_net_ton)::float8 AS "shipmentNetTon", sum(slip_count)::float8 AS "slipCount",
            sum(amount_yen)::float8 AS "amountYen"
       FROM mart.mv_shipment_daily WHERE ddate BETWEEN $1::date AND $2::date GROUP BY sales_rep ORDER BY sum(shipment_net_ton) DESC NULLS LAST`,
    [from, to],
  );
}

/** Sales per date and customer in [from, to] (current shipment rows, final wins over flash); `customer` narrows to one. */
export async function readCustomerSalesDaily(
  pool: pg.Pool,
  from: string,
  to: string,
  customer?: string,
): Promise<CustomerSalesDayRow[]> {
  const { rows } = await pool.query<CustomerSalesDayRow>(
    `SELECT to_char(ddate, 'YYYY-MM-DD') AS "ddate", customer_cd AS "customerCd", customer_name AS "customerName",
            net_ton::float8 AS "netTon", amount_yen::float8 AS "amountYen", item_count::int AS "itemCount", slip_count::int AS "slipCount"
       FROM mart.v_customer_sales_daily
      WHERE ddate BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR customer_cd = $3)
      ORDER BY ddate, customer_cd`,
    [from, to, customer ?? null],
  );
  return rows;
}
