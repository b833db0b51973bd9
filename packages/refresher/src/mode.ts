import type { RefreshMode } from './types.ts';

export const REASON_NOT_POPULATED = 'not populated: the first refresh must be plain (CONCURRENTLY needs existing rows)';
export const REASON_NO_UNIQUE_INDEX =
  'no usable unique index (CONCURRENTLY needs one that is unique, valid, without WHERE and without expressions)';
export const REASON_FORCED = 'plain mode requested';

/** CONCURRENTLY when populated and a usable unique index exists; otherwise plain, with the reason. */
export function chooseMode(
  node: { populated: boolean; uniqueIndex: string | null },
  forcePlain = false,
): { mode: RefreshMode; reason?: string } {
  if (forcePlain) return { mode: 'plain', reason: REASON_FORCED };
  if (!node.populated) return { mode: 'plain', reason: REASON_NOT_POPULATED };
  if (!node.uniqueIndex) return { mode: 'plain', reason: REASON_NO_UNIQUE_INDEX };
  return { mode: 'concurrent' };
}

/** `schema.name` → `"schema"."name"`. */
export function quoteName(name: string): string {
  const dot = name.indexOf('.');
  const parts = dot < 0 ? [name] : [name.slice(0, dot), name.slice(dot + 1)];
  return parts.map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
}
