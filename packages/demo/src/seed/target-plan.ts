/**
 * A month's target (kpi.monthly_targets) and its daily plan (mart.daily_target_plan) are kept
 * equal: the dashboard's target card reads the daily plan (it wins over the month in
 * mart.v_daily_target_with_calendar), so a month edited alone changed nothing visible.
 *
 * - Setting a month's target spreads it over the month's days: in the proportions of the daily
 *   plan it has (every calendar day planned, some tons), else by the seeds' rule
 *   ({@link planWeight}: business days 1, Saturdays {@link SATURDAY_FACTOR}, Sundays, holidays
 *   and the year-end closure 0). Tons are split in kilograms (the columns' 0.001 t) by largest
 *   remainder, so the days add up to the month exactly.
 * - Setting a day's plan makes the month's target the sum of its plan.
 * Every value changed is recorded in kpi.target_edit with the editor and source of the edit that
 * caused it. Callers run these in the transaction of that edit.
 */
import type pg from 'pg';
import { isPlannedClosure, SATURDAY_FACTOR } from '../profile.ts';

export interface PlanEditBy {
  editor: string;
  source: 'form' | 'csv';
  fileName: string | null;
}

/** The seeds' daily shape (dailyTargetTon's weights without its monthly tweak): 1, 0.55 on Saturdays, 0 off days. */
export function planWeight(date: string, businessDay: boolean, isoDow: number): number {
  if (!businessDay || isPlannedClosure(date)) return 0;
  return isoDow === 6 ? SATURDAY_FACTOR : 1;
}

/** Split `total` kilograms in proportion to `weights` (all ≥ 0, some > 0): integers adding up to `total`. */
export function splitByWeight(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i]! += 1;
    left -= 1;
  }
  return out;
}

async function recordEdit(
  c: pg.ClientBase,
  by: PlanEditBy,
  scope: 'month' | 'day',
  date: string,
  oldTon: number | null,
  newTon: number,
): Promise<void> {
  await c.query(
    `INSERT INTO kpi.target_edit (editor, scope, ddate, old_ton, new_ton, source, file_name) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [by.editor, scope, date, oldTon, newTon, by.source, by.fileName],
  );
}

/**
 * Spread a month's target (`month` = its first day, YYYY-MM-01) over its daily plan; returns the
 * days whose plan changed. A month the calendar does not cover has no days to spread over (0).
 */
export async function spreadMonthTarget(
  c: pg.ClientBase,
  month: string,
  targetTon: number,
  by: PlanEditBy,
): Promise<number> {
  const { rows: days } = await c.query<{ d: string; biz: boolean; dow: number }>(
    `SELECT to_char(ddate, 'YYYY-MM-DD') AS d, is_business_day AS biz, iso_dow AS dow
       FROM ref.calendar WHERE ddate >= $1::date AND ddate < $1::date + interval '1 month' ORDER BY ddate`,
    [month],
  );
  if (!days.length) return 0;
  const { rows: plan } = await c.query<{ d: string; kg: string }>(
    `SELECT to_char(ddate, 'YYYY-MM-DD') AS d, round(target_ton * 1000)::bigint AS kg
       FROM mart.daily_target_plan WHERE ddate >= $1::date AND ddate < $1::date + interval '1 month' FOR UPDATE`,
    [month],
  );
  const old = new Map(plan.map((p) => [p.d, Number(p.kg)]));
  const planned = days.every((d) => old.has(d.d)) && [...old.values()].some((kg) => kg > 0);
  let weights = days.map((d) => (planned ? old.get(d.d)! : planWeight(d.d, d.biz, d.dow)));
  if (!weights.some((w) => w > 0)) weights = days.map(() => 1); // a month with no business day at all
  const kg = splitByWeight(Math.round(targetTon * 1000), weights);
  let changed = 0;
  for (const [i, d] of days.entries()) {
    if (old.get(d.d) === kg[i]) continue;
    await c.query(
      `INSERT INTO mart.daily_target_plan (ddate, target_ton) VALUES ($1, $2::numeric / 1000)
       ON CONFLICT (ddate) DO UPDATE SET target_ton = EXCLUDED.target_ton`,
      [d.d, kg[i]],
    );
    const was = old.get(d.d);
    await recordEdit(c, by, 'day', d.d, was === undefined ? null : was / 1000, kg[i]! / 1000);
    changed++;
  }
  return changed;
}

/** Make the month of `date` have the sum of its daily plan as its target; true when it changed. */
export async function monthTargetFromPlan(c: pg.ClientBase, date: string, by: PlanEditBy): Promise<boolean> {
  const month = `${date.slice(0, 7)}-01`;
  const old = (
    await c.query<{ t: string }>(`SELECT target_ton AS t FROM kpi.monthly_targets WHERE month = $1 FOR UPDATE`, [month])
  ).rows[0];
  const sum = (
    await c.query<{ s: string }>(
      `SELECT coalesce(sum(target_ton), 0) AS s FROM mart.daily_target_plan WHERE ddate >= $1::date AND ddate < $1::date + interval '1 month'`,
      [month],
    )
  ).rows[0]!.s;
  const r = { month, sum, old: old ? old.t : null };
  if (r.old !== null && Number(r.old) === Number(r.sum)) return false;
  await c.query(
    `INSERT INTO kpi.monthly_targets (month, target_ton) VALUES ($1, $2)
     ON CONFLICT (month) DO UPDATE SET target_ton = EXCLUDED.target_ton`,
    [r.month, r.sum],
  );
  await recordEdit(c, by, 'month', r.month, r.old === null ? null : Number(r.old), Number(r.sum));
  return true;
}
