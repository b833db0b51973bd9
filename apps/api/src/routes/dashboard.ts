import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { checkRange, DayRange, errorResponses, Month, Num, Year } from '../schemas.ts';
import type { AppContext } from '../context.ts';
import { CardDay } from '../reads/target-card.ts';
import { readMonth, readMonthly, readProfile, readReps, readWeekly } from '../reads/dashboard.ts';
import { dashboardWorkbook, workbookFileName } from '../export/dashboard-workbook.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

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

export function dashboardRoutes(root: FastifyInstance, ctx: AppContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  // The SQL lives in reads/dashboard.ts (the Excel export reads the same): each query returns the
  // response's rows as they are (float8 casts, camelCase aliases), nothing mapped by hand.

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
    async (req) => readMonth(ctx.pool, req.query.month),
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
      return { weeks: await readWeekly(ctx.pool, req.query.from, req.query.to) };
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
      return { months: await readMonthly(ctx.pool, req.query.from, req.query.to) };
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
    async (req) => readProfile(ctx.pool, req.query.year),
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
      return { reps: await readReps(ctx.pool, req.query.from, req.query.to) };
    },
  );

  app.get(
    '/dashboard/export.xlsx',
    {
      schema: {
        'x-role': 'viewer',
        summary:
          'The dashboard of one month as an Excel workbook: one sheet per table or chart (Japanese names), the same reads as the JSON routes',
        querystring: Type.Object({ month: Month() }),
        response: {
          200: {
            description: 'the workbook (.xlsx); its file name carries the month',
            content: { [XLSX]: { schema: Type.String({ format: 'binary' }) } },
          },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const wb = await dashboardWorkbook(ctx.pool, req.query.month, new Date());
      const body = Buffer.from(await wb.xlsx.writeBuffer());
      const name = workbookFileName(req.query.month);
      reply.header('content-type', XLSX);
      // filename: an ASCII fallback; filename*: the Japanese name (RFC 6266) that browsers use.
      reply.header(
        'content-disposition',
        `attachment; filename="dashboard-${req.query.month}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
      );
      // OpenAPI's binary string is bytes on the wire; Fastify sends a Buffer as it is, unserialised.
      return reply.send(body as unknown as string);
    },
  );
}
