export { seedReference, referenceRange, assertReferenceTables, REFERENCE_TABLES, type ReferenceRange } from './seed.ts';
export {
  seedReferenceData,
  dailyTargetTon,
  targetsBackupCsv,
  type SeedReferenceOptions,
  type SeedReferenceResult,
  type UpsertCount,
  type ReplacedValues,
  type ReplacedTarget,
  type CalendarRow,
} from './reference.ts';
export {
  holidaysOfYear,
  holidaysBetween,
  holidayName,
  vernalEquinoxDay,
  autumnalEquinoxDay,
  HOLIDAY_MIN_YEAR,
  HOLIDAY_MAX_YEAR,
  type Holiday,
} from './holidays.ts';
export { dayInfo, addDays, monthStart, monthEnd, isIsoDate, type DayInfo } from './dates.ts';
export { spreadMonthTarget, monthTargetFromPlan, planWeight, splitByWeight, type PlanEditBy } from './target-plan.ts';
