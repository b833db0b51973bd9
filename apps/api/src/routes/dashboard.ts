import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import {
  Type,
  type Static,
  type TObject,
  type TSchema,
  type TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import { checkRange, DayRange, errorResponses, Month, Num, Year } from '../schemas.ts';
import type { AppContext } from '../context.ts';
import { CardDay } from '../reads/target-card.ts';
import { readMonth, readMonthly, readProfile, readReps, readWeekly } from '../reads/dashboard.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Read routes the console's dashboard draws from: a month of daily receipts against target, weekly
 * and monthly totals, the 5-year weekly profile and shipments per sales rep. Typed pg queries
 * (one row interface per query) rather than the Prisma client: the figures are a handful of rows,
 * and the client's per-query overhead is what limits these routes under load.
 */

const Range = Type.Object(DayRange());
const MonthQuery = Type.Object({ month: Month() });

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

  /**
   * One JSON read of the dashboard: a viewer's GET whose query and answer are the two schemas given
   * (the schema's skeleton is the same for every read, so it is written once here).
   */
  const read = <Q extends TObject, R extends TSchema>(
    url: string,
    summary: string,
    querystring: Q,
    response: R,
    answer: (query: Static<Q>) => Promise<Static<R>>,
  ) =>
    root.get(
      url,
      { schema: { 'x-role': 'viewer', summary, querystring, response: { 200: response, ...errorResponses } } },
      // The schema has validated the query (and coerced its types) before the handler runs.
      async (req) => answer(req.query as Static<Q>),
    );
  /** A read of a day range [from, to]: checkRange refuses a reversed or too long range before any SQL. */
  const rangeRead = <R extends TSchema>(
    url: string,
    summary: string,
    response: R,
    answer: (pool: pg.Pool, from: string, to: string) => Promise<Static<R>>,
  ) =>
    read(url, summary, Range, response, ({ from, to }) => {
      checkRange(from, to);
      return answer(ctx.pool, from, to);
    });

  read(
    '/dashboard/month',
    'Daily receipts against target for one month (bars + target line)',
    MonthQuery,
    MonthResponse,
    (q) => readMonth(ctx.pool, q.month),
  );
  rangeRead('/dashboard/weekly', 'Receipts per ISO week whose Monday falls in [from, to]', WeeklyResponse, (...range) =>
    readWeekly(...range).then((weeks) => ({ weeks })),
  );
  rangeRead('/dashboard/monthly', 'Receipts per calendar month in [from, to]', MonthlyResponse, (...range) =>
    readMonthly(...range).then((months) => ({ months })),
  );
  read(
    '/dashboard/profile',
    'Tons per ISO week: average and standard deviation over the 5 years before `year`, and `year` itself',
    Type.Object({ year: Year }),
    ProfileResponse,
    (q) => readProfile(ctx.pool, q.year),
  );
  rangeRead('/dashboard/shipments-by-rep', 'Shipments per sales rep in [from, to]', RepsResponse, (...range) =>
    readReps(...range).then((reps) => ({ reps })),
  );

  app.get(
    '/dashboard/export.xlsx',
    {
      schema: {
        'x-role': 'viewer',
        summary:
          'The dashboard of one month as an Excel workbook: one sheet per table or chart (Japanese names), the same reads as the JSON routes',
        querystring: MonthQuery,
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
      // Loaded at the first export, not with the server: exceljs costs every start ~0.5 CPU-s.
      const { dashboardWorkbook, workbookFileName } = await import('../export/dashboard-workbook.ts');
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
