import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.ts';
import type { AppContext } from '../app.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDate(name: string, value: unknown): Date {
  if (typeof value !== 'string' || !DATE.test(value)) {
    throw new HttpError(
      400,
      'E_BAD_DATE',
      `${name}=${JSON.stringify(value ?? null)} is not a date; pass ${name}=YYYY-MM-DD`,
    );
  }
  // Year 0000 parses in JavaScript (1 BC) but is no year to PostgreSQL: refuse it here, not as a 500.
  if (value.startsWith('0000'))
    throw new HttpError(400, 'E_BAD_DATE', `${name}=${value} has year 0000; pass a date from 0001-01-01 on`);
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new HttpError(400, 'E_BAD_DATE', `${name}=${value} is not a calendar date; pass an existing date YYYY-MM-DD`);
  }
  return d;
}

const day = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);
const num = (v: { toString(): string } | null | undefined) => (v == null ? null : Number(v.toString()));

export function readRoutes(app: FastifyInstance, ctx: AppContext): void {
  // GET /uploads and /uploads/:id are in uploads.ts; GET /mv and the other MV routes in mv.ts.

  app.get<{ Querystring: { from?: string; to?: string } }>('/inbound/daily', async (req) => {
    const from = parseDate('from', req.query.from);
    const to = parseDate('to', req.query.to);
    if (from > to)
      throw new HttpError(400, 'E_BAD_RANGE', `from=${req.query.from} is after to=${req.query.to}; swap them`);
    if (to.getTime() - from.getTime() > 3700 * 86400_000)
      throw new HttpError(400, 'E_BAD_RANGE', 'the range is longer than 10 years; ask for a shorter one');
    const days = await ctx.prisma.mvReceiveDaily.findMany({
      where: { ddate: { gte: from, lte: to } },
      orderBy: { ddate: 'asc' },
    });
    return {
      from: req.query.from,
      to: req.query.to,
      days: days.map((d) => ({
        date: day(d.ddate),
        isoYear: d.isoYear,
        isoWeek: d.isoWeek,
        receiveNetTon: num(d.receiveNetTon),
        slipCount: d.slipCount == null ? null : Number(d.slipCount),
        amountYen: num(d.amountYen),
      })),
    };
  });

  app.get<{ Querystring: { date?: string } }>('/dashboard/target-card', async (req) => {
    const date = parseDate('date', req.query.date);
    const c = await ctx.prisma.mvTargetCardPerDay.findUnique({ where: { ddate: date } });
    if (!c)
      throw new HttpError(
        404,
        'E_NOT_FOUND',
        `no target card for ${req.query.date}; the calendar/targets do not cover it or the MVs were not refreshed yet (GET /mv)`,
      );
    return {
      date: day(c.ddate),
      targetTon: num(c.targetTon),
      actualTon: num(c.actualTon),
      wtdTargetTon: num(c.wtdTargetTon),
      wtdActualTon: num(c.wtdActualTon),
      mtdTargetTon: num(c.mtdTargetTon),
      mtdActualTon: num(c.mtdActualTon),
      achievementRatio: num(c.achievementRatio),
    };
  });
}
