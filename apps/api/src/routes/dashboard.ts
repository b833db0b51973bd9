import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { HttpError } from '../http-error.ts';
import type { AppContext } from '../app.ts';

/**
 * Read routes the console's dashboard draws from: a month of daily receipts against target, weekly
 * and monthly totals, the 5-year weekly profile and shipments per sales rep. Typed pg queries
 * (one row interface per query) rather than the Prisma client: the figures are a handful of rows,
 * and the client's per-query overhead is what limits these routes under load.
 */

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
const Num = Type.Union([Type.Number(), Type.Null()]);
const Range = Type.Object({ from: Day, to: Day });
const ErrorBody = Type.Object(
  { error: Type.String(), code: Type.String(), requestId: Type.Optional(Type.String()) },
  { additionalProperties: true },
);

export const MonthDay = Type.Object({
  date: Type.String(),
  targetTon: Num,
  actualTon: Num,
  wtdTargetTon: Num,
  wtdActualTon: Num,
  mtdTargetTon: Num,
  mtdActualTon: Num,
});
export const MonthResponse = Type.Object({ month: Type.String(), days: Type.Array(MonthDay) });
export const WeeklyResponse = Type.Object({
  weeks: Type.Array(
    Type.Object({
      isoYear: Type.Integer(),
      isoWeek: Type.Integer(),
      weekStart: Type.String(),
      receiveNetTon: Num,
      slipCount: Num,
      amountYen: Num,
    }),
  ),
});
export const MonthlyResponse = Type.Object({
  months: Type.Array(
    Type.Object({
      month: Type.String(),
      daysWithData: Type.Integer(),
      receiveNetTon: Num,
      slipCount: Num,
      amountYen: Num,
    }),
  ),
});
export const ProfileResponse = Type.Object({
  year: Type.Integer(),
  baseYears: Type.Array(Type.Integer()),
  weeks: Type.Array(Type.Object({ isoWeek: Type.Integer(), avgTon: Num, stddevTon: Num, thisYearTon: Num })),
});
export const RepsResponse = Type.Object({
  reps: Type.Array(Type.Object({ salesRep: Type.String(), shipmentNetTon: Num, slipCount: Num, amountYen: Num })),
});
export type MonthResponse = Static<typeof MonthResponse>;
export type WeeklyResponse = Static<typeof WeeklyResponse>;
export type MonthlyResponse = Static<typeof MonthlyResponse>;
export type ProfileResponse = Static<typeof ProfileResponse>;
export type RepsResponse = Static<typeof RepsResponse>;

const n = (v: string | number | null) => (v == null ? null : Number(v));

function checkRange(from: string, to: string): void {
  for (const [name, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    const d = new Date(`${v}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v)
      throw new HttpError(400, 'E_BAD_DATE', `${name}=${v} is not a calendar date; pass an existing date YYYY-MM-DD`);
  }
  if (from > to) throw new HttpError(400, 'E_BAD_RANGE', `from=${from} is after to=${to}; swap them`);
}

/**
 * A query on the MVs; an MV that was never refreshed (55000 "has not been populated") has no
 * figures yet, so it answers no rows rather than a 500 (GET /mv shows it as not populated).
 */
async function rowsOf<R extends pg.QueryResultRow>(pool: pg.Pool, sql: string, params: unknown[]): Promise<R[]> {
  try {
    return (await pool.query<R>(sql, params)).rows;
  } catch (error) {
    if ((error as { code?: string }).code === '55000') return [];
    throw error;
  }
}

export function dashboardRoutes(root: FastifyInstance, ctx: AppContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorBody, 401: ErrorBody };

  app.get(
    '/dashboard/month',
    {
      schema: {
        summary: 'Daily receipts against target for one month (bars + target line)',
        querystring: Type.Object({ month: Month }),
        response: { 200: MonthResponse, ...errors },
      },
    },
    async (req) => {
      type Row = {
        date: string;
        target_ton: string | null;
        actual_ton: string | null;
        wtd_target_ton: string | null;
        wtd_actual_ton: string | null;
        mtd_target_ton: string | null;
        mtd_actual_ton: string | null;
      };
      const rows = await rowsOf<Row>(
        ctx.pool,
        `SELECT to_char(ddate, 'YYYY-MM-DD') AS date, target_ton, actual_ton, wtd_target_ton, wtd_actual_ton, mtd_target_ton, mtd_actual_ton
         FROM mart.mv_target_card_per_day WHERE ddate >= $1::date AND ddate < ($1::date + interval '1 month') ORDER BY ddate`,
        [`${req.query.month}-01`],
      );
      return {
        month: req.query.month,
        days: rows.map((r) => ({
          date: r.date,
          targetTon: n(r.target_ton),
          actualTon: n(r.actual_ton),
          wtdTargetTon: n(r.wtd_target_ton),
          wtdActualTon: n(r.wtd_actual_ton),
          mtdTargetTon: n(r.mtd_target_ton),
          mtdActualTon: n(r.mtd_actual_ton),
        })),
      };
    },
  );

  app.get(
    '/dashboard/weekly',
    {
      schema: {
        summary: 'Receipts per ISO week whose Monday falls in [from, to]',
        querystring: Range,
        response: { 200: WeeklyResponse, ...errors },
      },
    },
    async (req) => {
      checkRange(req.query.from, req.query.to);
      type Row = {
        iso_year: number;
        iso_week: number;
        week_start: string;
        receive_net_ton: string | null;
        slip_count: string | null;
        amount_yen: string | null;
      };
      const rows = await rowsOf<Row>(
        ctx.pool,
        `SELECT iso_year, iso_week, to_char(week_start, 'YYYY-MM-DD') AS week_start, receive_net_ton, slip_count, amount_yen
         FROM mart.v_receive_weekly WHERE week_start BETWEEN $1::date AND $2::date ORDER BY week_start`,
        [req.query.from, req.query.to],
      );
      return {
        weeks: rows.map((r) => ({
          isoYear: r.iso_year,
          isoWeek: r.iso_week,
          weekStart: r.week_start,
          receiveNetTon: n(r.receive_net_ton),
          slipCount: n(r.slip_count),
          amountYen: n(r.amount_yen),
        })),
      };
    },
  );

  app.get(
    '/dashboard/monthly',
    {
      schema: {
        summary: 'Receipts per calendar month in [from, to]',
        querystring: Range,
        response: { 200: MonthlyResponse, ...errors },
      },
    },
    async (req) => {
      checkRange(req.query.from, req.query.to);
      type Row = {
        month: string;
        days_with_data: string;
        receive_net_ton: string | null;
        slip_count: string | null;
        amount_yen: string | null;
      };
      const rows = await rowsOf<Row>(
        ctx.pool,
        `SELECT to_char(month, 'YYYY-MM') AS month, days_with_data, receive_net_ton, slip_count, amount_yen
         FROM mart.v_receive_monthly WHERE month BETWEEN date_trunc('month', $1::date) AND $2::date ORDER BY month`,
        [req.query.from, req.query.to],
      );
      return {
        months: rows.map((r) => ({
          month: r.month,
          daysWithData: Number(r.days_with_data),
          receiveNetTon: n(r.receive_net_ton),
          slipCount: n(r.slip_count),
          amountYen: n(r.amount_yen),
        })),
      };
    },
  );

  app.get(
    '/dashboard/profile',
    {
      schema: {
        summary: 'Tons per ISO week: average and standard deviation over the 5 years before `year`, and `year` itself',
        querystring: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }),
        response: { 200: ProfileResponse, ...errors },
      },
    },
    async (req) => {
      const year = req.query.year;
      type Row = { iso_week: number; avg_ton: string | null; stddev_ton: string | null; this_year_ton: string | null };
      // Weeks of years without any data count as no data (not as zero), so a young warehouse's
      // profile is not dragged down by years before its first upload.
      const rows = await rowsOf<Row>(
        ctx.pool,
        `WITH w AS (SELECT iso_year, iso_week, receive_net_ton FROM mart.v_receive_weekly WHERE iso_year BETWEEN $1::int - 5 AND $1::int)
       SELECT g.wk AS iso_week,
              avg(w.receive_net_ton) FILTER (WHERE w.iso_year < $1) AS avg_ton,
              stddev_samp(w.receive_net_ton) FILTER (WHERE w.iso_year < $1) AS stddev_ton,
              max(w.receive_net_ton) FILTER (WHERE w.iso_year = $1) AS this_year_ton
         FROM generate_series(1, 53) g(wk) LEFT JOIN w ON w.iso_week = g.wk
        GROUP BY g.wk ORDER BY g.wk`,
        [year],
      );
      return {
        year,
        baseYears: [1, 2, 3, 4, 5].map((k) => year - 6 + k),
        weeks: rows.map((r) => ({
          isoWeek: r.iso_week,
          avgTon: n(r.avg_ton),
          stddevTon: n(r.stddev_ton),
          thisYearTon: n(r.this_year_ton),
        })),
      };
    },
  );

  app.get(
    '/dashboard/shipments-by-rep',
    {
      schema: {
        summary: 'Shipments per sales rep in [from, to]',
        querystring: Range,
        response: { 200: RepsResponse, ...errors },
      },
    },
    async (req) => {
      checkRange(req.query.from, req.query.to);
      type Row = {
        sales_rep: string;
        shipment_net_ton: string | null;
        slip_count: string | null;
        amount_yen: string | null;
      };
      const rows = await rowsOf<Row>(
        ctx.pool,
        `SELECT sales_rep, sum(shipment_net_ton) AS shipment_net_ton, sum(slip_count) AS slip_count, sum(amount_yen) AS amount_yen
         FROM mart.mv_shipment_daily WHERE ddate BETWEEN $1::date AND $2::date GROUP BY sales_rep ORDER BY sum(shipment_net_ton) DESC NULLS LAST`,
        [req.query.from, req.query.to],
      );
      return {
        reps: rows.map((r) => ({
          salesRep: r.sales_rep,
          shipmentNetTon: n(r.shipment_net_ton),
          slipCount: n(r.slip_count),
          amountYen: n(r.amount_yen),
        })),
      };
    },
  );
}
