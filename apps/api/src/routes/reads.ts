import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { HttpError } from '../http-error.ts';
import { checkRange, Day, DayRange, errorResponses, mvRows, Nullable, Num } from '../schemas.ts';
import type { AppContext } from '../context.ts';
import { CARD_DAY_SQL, CardDay } from '../reads/target-card.ts';

/**
 * The two hottest reads (the dashboard polls them). Typed pg queries rather than the Prisma
 * client: the rows come out of PostgreSQL already in the response's shape (float8 casts, aliases),
 * so the handler only wraps them, and fast-json-stringify serialises them from the schema.
 * With the client these routes ran at ~35 % of a bare Fastify + pg route's rate (bench:web).
 */

export const InboundDay = Type.Object({
  date: Type.String({ description: 'YYYY-MM-DD' }),
  isoYear: Nullable(Type.Integer()),
  isoWeek: Nullable(Type.Integer()),
  receiveNetTon: Num,
  slipCount: Num,
  amountYen: Num,
});
export const InboundDailyResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  days: Type.Array(InboundDay),
});
export const TargetCardResponse = Type.Object({ ...CardDay.properties, achievementRatio: Num });
export type InboundDailyResponse = Static<typeof InboundDailyResponse>;
export type TargetCardResponse = Static<typeof TargetCardResponse>;

export function readRoutes(root: FastifyInstance, ctx: AppContext): void {
  // GET /uploads and /uploads/:id are in uploads.ts; GET /mv and the other MV routes in mv.ts.
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/inbound/daily',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Receipts per day in [from, to] (mart.mv_receive_daily)',
        querystring: Type.Object(DayRange()),
        response: { 200: InboundDailyResponse, ...errorResponses },
      },
    },
    async (req) => {
      const { from, to } = req.query;
      checkRange(from, to);
      const days = await mvRows<Static<typeof InboundDay>>(
        ctx.pool,
        `SELECT to_char(ddate, 'YYYY-MM-DD') AS "date", iso_year AS "isoYear", iso_week AS "isoWeek",
                receive_net_ton::float8 AS "receiveNetTon", slip_count::float8 AS "slipCount", amount_yen::float8 AS "amountYen"
           FROM mart.mv_receive_daily WHERE ddate BETWEEN $1::date AND $2::date ORDER BY ddate`,
        [from, to],
      );
      return { from, to, days };
    },
  );

  app.get(
    '/dashboard/target-card',
    {
      schema: {
        'x-role': 'viewer',
        summary: "One day's target card: target and actual tons, week- and month-to-date, achievement",
        querystring: Type.Object({ date: Day() }),
        response: { 200: TargetCardResponse, ...errorResponses },
      },
    },
    async (req) => {
      const [card] = await mvRows<TargetCardResponse>(
        ctx.pool,
        `SELECT ${CARD_DAY_SQL}, achievement_ratio::float8 AS "achievementRatio"
           FROM mart.mv_target_card_per_day WHERE ddate = $1::date`,
        [req.query.date],
      );
      if (!card)
        throw new HttpError(
          404,
          'E_NOT_FOUND',
          `no target card for ${req.query.date}; the calendar/targets do not cover it or the MVs were not refreshed yet (GET /mv)`,
        );
      return card;
    },
  );
}
