import { SWAP_SCHEMA_SUFFIX } from '@warehouse/migrate/catalog';

/**
 * SQL condition: namespace alias `n` is not a shadow schema of expand/fill/swap (`mart__swap`).
 * The new versions there are empty until the migrator fills them, read by nobody, and swapped in
 * (renamed) or dropped by the migrator: the refresher must never list, refresh or verify them.
 */
export function notSwapSchema(n: string): string {
  return `${n}.nspname not like '%${SWAP_SCHEMA_SUFFIX.replace(/_/g, '\\_')}'`;
}
