/**
 * A day of mart.mv_target_card_per_day as the routes answer it (GET /reads/target-card and the
 * dashboard's month), shared by both from here rather than one route importing the other.
 */
import { Type } from '@fastify/type-provider-typebox';
import { Num } from '../schemas.ts';

/** One day of mart.mv_target_card_per_day: target and actual tons, week- and month-to-date. */
export const CardDay = Type.Object({
  date: Type.String({ description: 'YYYY-MM-DD' }),
  targetTon: Num,
  actualTon: Num,
  wtdTargetTon: Num,
  wtdActualTon: Num,
  mtdTargetTon: Num,
  mtdActualTon: Num,
});
/** The columns of {@link CardDay}, selected from mart.mv_target_card_per_day in its shape. */
export const CARD_DAY_SQL = `to_char(ddate, 'YYYY-MM-DD') AS "date", target_ton::float8 AS "targetTon", actual_ton::float8 AS "actualTon",
  wtd_target_ton::float8 AS "wtdTargetTon", wtd_actual_ton::float8 AS "wtdActualTon",
  mtd_target_ton::float8 AS "mtdTargetTon", mtd_actual_ton::float8 AS "mtdActualTon"`;
