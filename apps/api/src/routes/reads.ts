import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.ts';
import type { AppContext } from '../app.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDate(name: string, value: unknown): Date {
  if (typeof value !== 'string' || !DATE.test(value)) {
    throw new HttpError(400, 'E_BAD_DATE', `${name}=${JSON.stringify(value ?? null)} is not a date; pass ${name}=YYYY-MM-DD`);
  }
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new HttpError(400, 'E_BAD_DATE', `${name}=${value} is not a calendar date; pass an existing date YYYY-MM-DD`);
  }
  return d;
}

const day = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);
const num = (v: { toString(): string } | null | undefined) => (v == null ? null : Number(v.toString()));

function uploadJson(r: Record<string, any>) {
  return {
    id: Number(r.id),
    csvType: r.csv_type,
    flavour: r.flavour,
    fileName: r.file_name,
    fileSize: Number(r.file_size),
    sha256: r.file_sha256,
    status: r.status,
    encoding: r.encoding,
    rowCount: r.row_count,
    dateFrom: r.date_from,
    dateTo: r.date_to,
    errorMessage: r.error_message,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    refreshOutcome: r.refresh_outcome,
  };
}

const UPLOAD_COLUMNS = `id, csv_type, flavour, file_name, file_size, file_sha256, status, encoding, row_count,
  to_char(date_from, 'YYYY-MM-DD') AS date_from, to_char(date_to, 'YYYY-MM-DD') AS date_to, error_message,
  created_at, started_at, finished_at, refresh_outcome, refresh_run_id`;

export function readRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: string } }>('/uploads/:id', { preHandler: ctx.requireToken }, async (req) => {
    if (!/^\d{1,18}$/.test(req.params.id)) throw new HttpError(400, 'E_BAD_ID', `upload id ${JSON.stringify(req.params.id)} is not a number; use an id from POST /upload/csv`);
    const { rows } = await ctx.pool.query(`SELECT ${UPLOAD_COLUMNS}, errors FROM log.upload_file WHERE id = $1`, [req.params.id]);
    const r = rows[0];
    if (!r) throw new HttpError(404, 'E_NOT_FOUND', `upload ${req.params.id} does not exist; list uploads with GET /uploads`);
    let refresh = null;
    if (r.refresh_run_id != null) {
      const run = await ctx.pool.query(
        `SELECT run_id, min(started_at) AS started_at, max(finished_at) AS finished_at,
                json_agg(json_build_object('mv', mv_name, 'outcome', outcome, 'mode', mode, 'durationMs', duration_ms, 'error', error) ORDER BY id) AS mvs
           FROM log.mv_refresh_log WHERE run_id = (SELECT run_id FROM log.mv_refresh_log WHERE id = $1) GROUP BY run_id`,
        [r.refresh_run_id],
      );
      const x = run.rows[0];
      if (x) refresh = { runId: x.run_id, outcome: r.refresh_outcome, startedAt: x.started_at, finishedAt: x.finished_at, mvs: x.mvs };
    }
    return { ...uploadJson(r), errors: r.errors ?? [], refresh };
  });

  app.get<{ Querystring: { limit?: string; status?: string } }>('/uploads', { preHandler: ctx.requireToken }, async (req) => {
    const raw = req.query.limit ?? '50';
    const limit = Number(raw);
    if (!/^\d+$/.test(raw) || limit < 1 || limit > 1000) throw new HttpError(400, 'E_BAD_LIMIT', `limit=${JSON.stringify(raw)} is not between 1 and 1000`);
    const status = req.query.status;
    if (status !== undefined && !['pending', 'processing', 'success', 'failed'].includes(status)) {
      throw new HttpError(400, 'E_BAD_STATUS', `status=${JSON.stringify(status)} is not pending, processing, success or failed`);
    }
    const { rows } = await ctx.pool.query(
      `SELECT ${UPLOAD_COLUMNS} FROM log.upload_file WHERE ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT $1`,
      [limit, status ?? null],
    );
    return { uploads: rows.map(uploadJson) };
  });

  app.get<{ Querystring: { from?: string; to?: string } }>('/inbound/daily', async (req) => {
    const from = parseDate('from', req.query.from);
    const to = parseDate('to', req.query.to);
    if (from > to) throw new HttpError(400, 'E_BAD_RANGE', `from=${req.query.from} is after to=${req.query.to}; swap them`);
    if (to.getTime() - from.getTime() > 3700 * 86400_000) throw new HttpError(400, 'E_BAD_RANGE', 'the range is longer than 10 years; ask for a shorter one');
    const days = await ctx.prisma.mvReceiveDaily.findMany({ where: { ddate: { gte: from, lte: to } }, orderBy: { ddate: 'asc' } });
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
    if (!c) throw new HttpError(404, 'E_NOT_FOUND', `no target card for ${req.query.date}; the calendar/targets do not cover it or the MVs were not refreshed yet (GET /mv)`);
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
