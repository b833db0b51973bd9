import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** A migrations folder in a temp dir: `{ '20250101000000_a': 'create table …' }` or `{ name: { up, down } }`. */
export function migrationsDir(files: Record<string, string | { up: string; down?: string }>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
  writeFileSync(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  for (const [name, content] of Object.entries(files)) addMigration(dir, name, content);
  return dir;
}

export function addMigration(dir: string, name: string, content: string | { up: string; down?: string }): void {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  const up = typeof content === 'string' ? content : content.up;
  writeFileSync(path.join(folder, 'migration.sql'), up);
  if (typeof content !== 'string' && content.down !== undefined)
    writeFileSync(path.join(folder, 'down.sql'), content.down);
}

export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  sql: string,
  values?: unknown[],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

export async function relationExists(url: string, name: string): Promise<boolean> {
  const rows = await query<{ r: string | null }>(url, 'select to_regclass($1)::text as r', [name]);
  return rows[0]!.r !== null;
}
