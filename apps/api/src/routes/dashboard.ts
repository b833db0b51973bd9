import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { checkRange, DayRange, errorResponses, Month, mvRows, Num, Year } from '../schemas.ts';
import type { AppContext } from '../context.ts';
import { CARD_DAY_SQL, CardDay } from '../reads/target-card.ts';

/**
 * Read routes the console's dashboard draws from: a month of daily receipts against target, weekly
 * and monthly totals, the 5-year weekly profile and shipments per sales rep. Typed pg queries
 * (one row interface per query) rather than the Prisma client: the figures are a handful of rows,
 * and the client's per-query overhead is what limits these routes under load.
 */

const Range = Type.Object(DayRange());

/** The same month a year earlier: its receipts per day of the month and in total (null: no data). */
const LastYear = Type.Object({
  month: Type.String(),
  receiveNetTon: Num,
  days: Type.Array(Type.Object({ date: Type.String(), receiveNetTon: Num })),
});
export const MonthResponse = Type.Object({ month: Type.String(), days: Type.Array(CardDay), lastYear: LastYear });
/** Receipt totals of a period (a week, a month), as the weekly and monthly views sum them. */
const Totals = { receiveNetTon: Num, slipCount: Num, amountYen: Num };
const Week = Type.Object({ isoYear: Type.Integer(), isoWeek: Type.Integer(), weekStart: Type.String(), ...Totals });
const MonthTotal = Type.Object({
  month: Type.String(),
  daysWithData: Type.Integer(),
  ...Totals,
  lastYearTon: Type.Union([Type.Number(), Type.Null()], {
    description: 'received tons of the same month a year earlier (null: no data then)',
  }),
});
const ProfileWeek = Type.Object({
  isoWeek: Type.Integer(),
  avgTon: Num,
  stddevTon: Num,
  thisYearTon: Num,
  thisYearPartial: Type.Boolean({
    description: "the week holds the latest day with data and that day is before the week's Saturday",
  }),
});
const Rep = Type.Object({ salesRep: Type.String(), shipmentNetTon: Num, slipCount: Num, amountYen: Num });
export const WeeklyResponse = Type.Object({ weeks: Type.Array(Week) });
export const MonthlyResponse = Type.Object({ months: Type.Array(MonthTotal) });
export const ProfileResponse = Type.Object({
  year: Type.Integer(),
  baseYears: Type.Array(Type.Integer()),
  weeks: Type.Array(ProfileWeek),
});
export const RepsResponse = Type.Object({ reps: Type.Array(Rep) });
export type MonthResponse = Static<typeof MonthResponse>;
export type WeeklyResponse = Static<typeof WeeklyResponse>;
export type MonthlyResponse = Static<typeof MonthlyResponse>;
export type ProfileResponse = Static<typeof ProfileResponse>;
export type RepsResponse = Static<typeof RepsResponse>;

/** The totals columns of mart.v_receive_weekly / v_receive_monthly in the shape of {@link Totals}. */
const TOTALS_SQL = `receive_net_ton::float8 AS "receiveNetTon", slip_count::float8 AS "slipCount", amount_yen::float8 AS "amountYen"`;

export function dashboardRoutes(root: FastifyInstance, ctx: AppContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  // Each query returns the response's rows as they are (float8 casts, camelCase aliases): typed by
  // the response schema's Static type, nothing mapped by hand.

  app.get(
    '/dashboard/month',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Daily receipts against target for one month (bars + target line)',
        querystring: Type.Object({ month: Month() }),
        response: { 200: MonthResponse, ...errorResponses },
      },
    },
    async (req) => {
      const days = await mvRows<Static<typeof CardDay>>(
        ctx.pool,
        `SELECT ${CARD_DAY_SQL}
           FROM mart.mv_target_card_per_day WHERE ddate >= $1::date AND ddate < ($1::date + interval '1 month') ORDER BY ddate`,
        [`${req.query.month}-01`],
      );
      const ly = await mvRows<{ date: string; receiveNetTon: number | null }>(
        ctx.pool,
        `SELECT to_char(ddate, 'YYYY-MM-DD') AS date, receive_net_ton::float8 AS "receiveNetTon"
           FROM mart.mv_receive_daily WHERE ddate >= $1::date - interval '1 year' AND ddate < $1::date - interval '1 year' + interval '1 month' ORDER BY ddate`,
        [`${req.query.month}-01`],
      );
      const [y, m] = req.query.month.split('-');
      return {
        month: req.query.month,
        days,
        lastYear: {
          month: `${Number(y) - 1}-${m}`,
          receiveNetTon: ly.length ? ly.reduce((a, d) => a + (d.receiveNetTon ?? 0), 0) : null,
          days: ly,
        },
      };
    },
  );

  app.get(
    '/dashboard/weekly',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Receipts per ISO week whose Monday falls in [from, to]',
        querystring: Range,
        response: { 200: WeeklyResponse, ...errorResponses },
      },
    },
    async (req) => {
      checkRange(req.query.from, req.query.to);
      const weeks = await mvRows<Static<typeof Week>>(
        ctx.pool,
        `SELECT iso_year AS "isoYear", iso_week AS "isoWeek", to_char(week_start, 'YYYY-MM-DD') AS "weekStart", ${TOTALS_SQL}
           FROM mart.v_receive_weekly WHERE week_start BETWEEN $1::date AND $2::date ORDER BY week_start`,
        [req.query.from, req.query.to],
      );
      return { weeks };
    },
  );

  app.get(
    '/dashboard/monthly',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Receipts per calendar month in [from, to]',
        querystring: Range,
        response: { 200: MonthlyResponse, ...errorResponses },
      },
    },
    async (req) => {
      checkRange(req.query.from, req.query.to);
      const months = await mvRows<Static<typeof MonthTotal>>(
        ctx.pool,
        `SELECT to_char(m.month, 'YYYY-MM') AS "month", m.days_with_data::int AS "daysWithData",
                m.receive_net_ton::float8 AS "receiveNetTon", m.slip_count::float8 AS "slipCount", m.amount_yen::float8 AS "amountYen",
                ly.receive_net_ton::float8 AS "lastYearTon"
           FROM mart.v_receive_monthly m
           LEFT JOIN mart.v_receive_monthly ly ON ly.month = (m.month - interval '1 year')::date
          WHERE m.month BETWEEN date_trunc('month', $1::date) AND $2::date ORDER BY m.month`,
        [req.query.from, req.query.to],
      );
      return { months };
    },
  );

  app.get(
    '/dashboard/profile',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Tons per ISO week: average and standard deviation over the 5 years before `year`, and `year` itself',
        querystring: Type.Object({ year: Year }),
        response: { 200: ProfileResponse, ...errorResponses },
      },
    },
    async (req) => {
      const year = req.query.year;
      // Weeks of years without any data count as no data (not as zero), so a young warehouse's
      // profile is not dragged down by years before its first upload.
      const weeks = await mvRows<Static<typeof ProfileWeek>>(
        ctx.pool,
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
    },
  );

  app.get(
    '/dashboard/shipments-by-rep',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Shipments per sales rep in [from, to]',
        querystring: Range,
        response: { 200: RepsResponse, ...errorResponses },
      },
    },
    async (req) => {
      checkRange(req.query.from, req.query.to);
      const reps = await mvRows<Static<typeof Rep>>(
        ctx.pool,
        `SELECT sales_rep AS "salesRep", sum(shipment_net_ton)::float8 AS "shipmentNetTon", sum(slip_count)::float8 AS "slipCount",
                sum(amount_yen)::float8 AS "amountYen"
           FROM mart.mv_shipment_daily WHERE ddate BETWEEN $1::date AND $2::date GROUP BY sales_rep ORDER BY sum(shipment_net_ton) DESC NULLS LAST`,
        [req.query.from, req.query.to],
      );
      return { reps };
    },
  );
}
