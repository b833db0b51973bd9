import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { parse } from 'csv-parse/sync';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { withTransaction } from '@warehouse/db';
import { enqueueRefresh } from '@warehouse/refresher';
import { monthTargetFromPlan, spreadMonthTarget } from '@warehouse/demo/seed';
import { HttpError } from '../http-error.ts';
import { rowReason } from '../ingest/reasons.ts';
import { auditRequest, editorName } from '../auth/audit-hooks.ts';
import type { AppContext } from '../context.ts';
import {
  Count,
  Day,
  errorResponses,
  isApiDate,
  isApiMonth,
  Month,
  multipartSchema,
  Num,
  streamedBody,
  YEAR_MAX,
  YEAR_MIN,
} from '../schemas.ts';

/**
 * Targets kept by managers: kpi.monthly_targets (tons per month) and mart.daily_target_plan
 * (tons per day). Every change records the editor's typed name in kpi.target_edit and queues a
 * refresh of the target card MV, so the dashboard follows.
 */

const Ton = Type.Number({ minimum: 0, maximum: 999_999_999, 'x-finite': true, description: 'tons (≥ 0)' });

/** Most months one GET /targets answers (ten years). */
export const MAX_TARGET_MONTHS = 120;
const Editor = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'the name of the person making the change; ignored with a session (the signed-in user is recorded)',
});

export const TargetsResponse = Type.Object({
  months: Type.Array(Type.Object({ month: Type.String(), targetTon: Num, planDays: Type.Integer(), planTon: Num })),
});
export const DailyPlanResponse = Type.Object({
  month: Type.String(),
  days: Type.Array(Type.Object({ date: Type.String(), targetTon: Type.Number() })),
});
export const TargetEdit = Type.Object({
  id: Type.Integer(),
  editedAt: Type.String(),
  editor: Type.String(),
  scope: Type.Union([Type.Literal('month'), Type.Literal('day')]),
  date: Type.String(),
  oldTon: Num,
  newTon: Num,
  source: Type.Union([Type.Literal('form'), Type.Literal('csv'), Type.Literal('seed')]),
  fileName: Type.Union([Type.String(), Type.Null()]),
});
export const HistoryResponse = Type.Object({ edits: Type.Array(TargetEdit) });
export const SetResponse = Type.Object({
  scope: Type.String(),
  date: Type.String(),
  oldTon: Num,
  newTon: Type.Number(),
});
export const CsvResponse = Type.Object({ applied: Type.Integer(), months: Type.Integer(), days: Type.Integer() });
export type TargetsResponse = Static<typeof TargetsResponse>;
export type DailyPlanResponse = Static<typeof DailyPlanResponse>;
export type TargetEdit = Static<typeof TargetEdit>;
export type HistoryResponse = Static<typeof HistoryResponse>;
export type CsvResponse = Static<typeof CsvResponse>;

export interface TargetRow {
  scope: 'month' | 'day';
  date: string;
  ton: number;
}
export interface TargetCsvError {
  line: number;
  column: string;
  value: string;
  /** For operators (English); staff see `code` (R_TARGET_…) worded by the console. */
  reason: string;
  code: string;
  params: Record<string, string | number>;
}

const TARGET_CARD = 'mart.mv_target_card_per_day';

/**
 * Parse a targets CSV: a header `month,target_ton` (rows YYYY-MM) or `date,target_ton` (rows
 * YYYY-MM-DD); Japanese headers 年月 / 日付 and 目標トン are accepted too. UTF-8 (with or
 * without BOM) or CP932. Returns every row or every error — never a part.
 */
export function parseTargetsCsv(bytes: Buffer): { rows: TargetRow[]; errors: TargetCsvError[] } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('shift_jis').decode(bytes);
  }
  text = text.replace(/^\uFEFF/, '');
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    return {
      rows: [],
      errors: [
        { line: 0, column: '', value: '', ...rowReason('R_TARGET_NOT_CSV', { detail: (error as Error).message }) },
      ],
    };
  }
  const [header, ...body] = records;
  const h = (header ?? []).map((x) => x.toLowerCase());
  const keyCol = h.findIndex((x) => ['month', 'date', '年月', '日付'].includes(x));
  const tonCol = h.findIndex((x) => ['target_ton', 'ton', '目標トン', '目標'].includes(x));
  if (keyCol < 0 || tonCol < 0) {
    return {
      rows: [],
      errors: [
        {
          line: 1,
          column: '',
          value: (header ?? []).join(','),
          ...rowReason('R_TARGET_HEADER'),
        },
      ],
    };
  }
  const rows: TargetRow[] = [];
  const errors: TargetCsvError[] = [];
  const seen = new Map<string, number>();
  body.forEach((rec, i) => {
    const line = i + 2;
    const key = rec[keyCol] ?? '';
    const tonText = (rec[tonCol] ?? '').replace(/,/g, '');
    let scope: 'month' | 'day' | undefined;
    let date = '';
    if (isApiMonth(key)) [scope, date] = ['month', `${key}-01`];
    else if (isApiDate(key)) [scope, date] = ['day', key];
    else
      errors.push({
        line,
        column: header![keyCol]!,
        value: key,
        ...rowReason('R_TARGET_KEY', { min: YEAR_MIN, max: YEAR_MAX }),
      });
    const ton = Number(tonText);
    if (tonText === '' || !Number.isFinite(ton) || ton < 0 || ton > 999_999_999) {
      errors.push({
        line,
        column: header![tonCol]!,
        value: rec[tonCol] ?? '',
        ...rowReason('R_TARGET_TON'),
      });
    } else if (scope) {
      const k = `${scope}:${date}`;
      if (seen.has(k))
        errors.push({
          line,
          column: header![keyCol]!,
          value: key,
          ...rowReason('R_TARGET_REPEATED', { line: seen.get(k)! }),
        });
      else {
        seen.set(k, line);
        rows.push({ scope, date, ton });
      }
    }
  });
  if (!body.length) errors.push({ line: 2, column: '', value: '', ...rowReason('R_TARGET_NO_ROWS') });
  return { rows, errors };
}

/** Upsert one target and record the change; returns the previous value. */
async function setTarget(
  client: pg.ClientBase,
  row: TargetRow,
  editor: string,
  source: 'form' | 'csv',
  fileName: string | null,
  keepEqual: { spread: boolean; resum: boolean } = { spread: true, resum: true },
): Promise<number | null> {
  const [table, col] = row.scope === 'month' ? ['kpi.monthly_targets', 'month'] : ['mart.daily_target_plan', 'ddate'];
  const old = await client.query<{ target_ton: string }>(
    `SELECT target_ton FROM ${table} WHERE ${col} = $1 FOR UPDATE`,
    [row.date],
  );
  await client.query(
    `INSERT INTO ${table} (${col}, target_ton) VALUES ($1, $2) ON CONFLICT (${col}) DO UPDATE SET target_ton = EXCLUDED.target_ton`,
    [row.date, row.ton],
  );
  const oldTon = old.rows[0] ? Number(old.rows[0].target_ton) : null;
  // The month and its daily plan stay equal (the dashboard reads the plan): see target-plan.ts.
  // What that changes is recorded first, so the history lists the typed value on top.
  const by = { editor, source, fileName };
  if (row.scope === 'month' && keepEqual.spread) await spreadMonthTarget(client, row.date, row.ton, by);
  if (row.scope === 'day' && keepEqual.resum) await monthTargetFromPlan(client, row.date, by);
  await client.query(
    `INSERT INTO kpi.target_edit (editor, scope, ddate, old_ton, new_ton, source, file_name) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [editor, row.scope, row.date, oldTon, row.ton, source, fileName],
  );
  return oldTon;
}

async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await withTransaction(client, () => fn(client));
  } finally {
    client.release();
  }
}

export function targetRoutes(root: FastifyInstance, ctx: AppContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const refreshCard = (client: pg.ClientBase, editor: string) =>
    enqueueRefresh(client, { mvs: [TARGET_CARD], trigger: `targets:${editor}` });
  /** One target set from the form, with its history row, audit event and the target card's refresh, in one transaction. */
  const setOneTarget = (pool: pg.Pool, row: TargetRow, editor: string, req: FastifyRequest) =>
    inTransaction(pool, async (c) => {
      const oldTon = await setTarget(c, row, editor, 'form', null);
      await refreshCard(c, editor);
      await auditRequest(c, req, {
        action: 'target.edit',
        objectType: row.scope === 'month' ? 'monthly_target' : 'daily_target',
        objectId: row.date,
        before: { ton: oldTon },
        after: { ton: row.ton },
      });
      return oldTon;
    });

  app.get(
    '/targets',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Monthly targets and the daily plan per month in [from, to]',
        querystring: Type.Object({
          from: Month(),
          to: Month(
            `YYYY-MM in ${YEAR_MIN}-01 .. ${YEAR_MAX}-12, not before \`from\` and at most ${MAX_TARGET_MONTHS} months from \`from\` to \`to\` (both included); more answers 400 E_RANGE_TOO_LONG`,
          ),
        }),
        response: { 200: TargetsResponse, ...errorResponses },
      },
    },
    async (req) => {
      const { from, to } = req.query;
      if (from > to) throw new HttpError(400, 'E_BAD_RANGE', `from=${from} is after to=${to}; swap them`);
      const months =
        (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5)) - Number(from.slice(5)) + 1;
      if (months > MAX_TARGET_MONTHS)
        throw new HttpError(
          400,
          'E_RANGE_TOO_LONG',
          `from=${from}..to=${to} spans ${months} months, more than the ${MAX_TARGET_MONTHS} one request may ask for; split it into shorter periods`,
        );
      type Row = { month: string; target_ton: string | null; plan_days: string; plan_ton: string | null };
      const { rows } = await ctx.pool.query<Row>(
        `SELECT to_char(g.m, 'YYYY-MM') AS month, t.target_ton,
              (SELECT count(*) FROM mart.daily_target_plan p WHERE p.ddate >= g.m AND p.ddate < g.m + interval '1 month') AS plan_days,
              (SELECT sum(target_ton) FROM mart.daily_target_plan p WHERE p.ddate >= g.m AND p.ddate < g.m + interval '1 month') AS plan_ton
         FROM generate_series($1::date, $2::date, interval '1 month') g(m)
         LEFT JOIN kpi.monthly_targets t ON t.month = g.m::date ORDER BY g.m`,
        [`${from}-01`, `${to}-01`],
      );
      return {
        months: rows.map((r) => ({
          month: r.month,
          targetTon: r.target_ton == null ? null : Number(r.target_ton),
          planDays: Number(r.plan_days),
          planTon: r.plan_ton == null ? null : Number(r.plan_ton),
        })),
      };
    },
  );

  app.get(
    '/targets/daily',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'The daily plan of one month',
        querystring: Type.Object({ month: Month() }),
        response: { 200: DailyPlanResponse, ...errorResponses },
      },
    },
    async (req) => {
      const { rows } = await ctx.pool.query<{ date: string; target_ton: string }>(
        `SELECT to_char(ddate, 'YYYY-MM-DD') AS date, target_ton FROM mart.daily_target_plan WHERE ddate >= $1::date AND ddate < $1::date + interval '1 month' ORDER BY ddate`,
        [`${req.query.month}-01`],
      );
      return { month: req.query.month, days: rows.map((r) => ({ date: r.date, targetTon: Number(r.target_ton) })) };
    },
  );

  /**
   * The form's two edits, one target each: a month's (spread over its daily plan) and a day's (its
   * month becomes the plan's sum). One concept, told apart by the scope, the URL's key and its date.
   */
  const FORM_EDITS = [
    {
      scope: 'month',
      key: 'month',
      keySchema: Month(),
      date: (month: string) => `${month}-01`,
      summary:
        "Set one month's target (kpi.monthly_targets) and spread it over the month's daily plan (its proportions, else the seeds' weekday rule)",
    },
    {
      scope: 'day',
      key: 'date',
      keySchema: Day(),
      date: (date: string) => date,
      summary: "Set one day's planned target (mart.daily_target_plan); the month's target becomes its plan's sum",
    },
  ] as const;
  for (const edit of FORM_EDITS)
    app.put(
      `/targets/${edit.scope}/:${edit.key}`,
      {
        schema: {
          'x-role': 'staff',
          summary: edit.summary,
          params: Type.Object({ [edit.key]: edit.keySchema }),
          body: Type.Object({ targetTon: Ton, editor: Type.Optional(Editor) }),
          response: { 200: SetResponse, ...errorResponses },
        },
      },
      async (req) => {
        const editor = editorName(req, req.body.editor);
        // The params schema requires the key: a computed property name only types it as optional.
        const key = (req.params as Record<typeof edit.key, string>)[edit.key];
        const row: TargetRow = { scope: edit.scope, date: edit.date(key), ton: req.body.targetTon };
        const oldTon = await setOneTarget(ctx.pool, row, editor, req);
        return { scope: row.scope, date: row.date, oldTon, newTon: row.ton };
      },
    );

  app.post(
    '/targets/csv',
    {
      schema: {
        'x-role': 'staff',
        summary: 'Upload a targets CSV (month,target_ton or date,target_ton) with a field editor; all rows or none',
        ...multipartSchema(
          Type.Object({
            file: Type.String({
              format: 'binary',
              description: 'CSV with the header month,target_ton (YYYY-MM rows) or date,target_ton (YYYY-MM-DD rows)',
            }),
            editor: Editor,
          }),
        ),
        response: { 200: CsvResponse, ...errorResponses },
      },
      validatorCompiler: streamedBody,
    },
    async (req) => {
      if (!req.isMultipart())
        throw new HttpError(
          415,
          'E_NOT_MULTIPART',
          'send multipart/form-data with a file field file and a field editor',
        );
      let editor = '';
      let file: { name: string; bytes: Buffer } | undefined;
      for await (const part of req.parts()) {
        if (part.type === 'field') {
          if (part.fieldname === 'editor') editor = String(part.value).trim();
          continue;
        }
        if (part.fieldname !== 'file' || file) {
          part.file.resume();
          throw new HttpError(
            400,
            'E_FIELD',
            `file field ${JSON.stringify(part.fieldname)} is not expected; send one file in the field file`,
          );
        }
        file = { name: part.filename ?? 'targets.csv', bytes: await part.toBuffer() };
      }
      if (!file) throw new HttpError(400, 'E_NO_FILE', 'no file was sent; send the targets CSV in the field file');
      if (!editor && req.principal?.via !== 'session')
        throw new HttpError(
          400,
          'E_EDITOR',
          'the field editor is missing; type your name so the history shows who changed the targets',
        );
      editor = editorName(req, editor);
      const { rows, errors: rowErrors } = parseTargetsCsv(file.bytes);
      if (rowErrors.length) {
        throw new HttpError(
          400,
          'E_TARGETS_INVALID',
          `${file.name}: ${rowErrors.length} row error(s); nothing was changed — fix the rows and upload the whole file again`,
          { errors: rowErrors.slice(0, 200) },
        );
      }
      const f = file;
      await inTransaction(ctx.pool, async (c) => {
        // Months first. A month that also has day rows in the file is not spread: its days are
        // given, and the month becomes their plan's sum once all rows are in (so a backup CSV
        // restores exactly what it saved).
        const daysOf = new Set(rows.filter((r) => r.scope === 'day').map((r) => r.date.slice(0, 7)));
        const ordered = [...rows].sort((a, b) => (a.scope === b.scope ? 0 : a.scope === 'month' ? -1 : 1));
        for (const r of ordered)
          await setTarget(c, r, editor, 'csv', f.name, { spread: !daysOf.has(r.date.slice(0, 7)), resum: false });
        for (const m of daysOf) await monthTargetFromPlan(c, `${m}-01`, { editor, source: 'csv', fileName: f.name });
        await refreshCard(c, editor);
        await auditRequest(c, req, {
          action: 'target.csv',
          objectType: 'targets_csv',
          objectId: f.name,
          after: { rows: rows.length, months: rows.filter((r) => r.scope === 'month').length },
        });
      });
      return {
        applied: rows.length,
        months: rows.filter((r) => r.scope === 'month').length,
        days: rows.filter((r) => r.scope === 'day').length,
      };
    },
  );

  app.get(
    '/targets/history',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Target changes, newest first',
        querystring: Type.Object({ limit: Type.Optional(Count({ minimum: 1, maximum: 1000, default: 50 })) }),
        response: { 200: HistoryResponse, ...errorResponses },
      },
    },
    async (req) => {
      type Row = {
        id: string;
        edited_at: Date;
        editor: string;
        scope: 'month' | 'day';
        date: string;
        old_ton: string | null;
        new_ton: string | null;
        source: 'form' | 'csv' | 'seed';
        file_name: string | null;
      };
      const { rows } = await ctx.pool.query<Row>(
        `SELECT id, edited_at, editor, scope, to_char(ddate, 'YYYY-MM-DD') AS date, old_ton, new_ton, source, file_name FROM kpi.target_edit ORDER BY id DESC LIMIT $1`,
        [req.query.limit ?? 50],
      );
      return {
        edits: rows.map((r) => ({
          id: Number(r.id),
          editedAt: r.edited_at.toISOString(),
          editor: r.editor,
          scope: r.scope,
          date: r.date,
          oldTon: r.old_ton == null ? null : Number(r.old_ton),
          newTon: r.new_ton == null ? null : Number(r.new_ton),
          source: r.source,
          fileName: r.file_name,
        })),
      };
    },
  );
}
