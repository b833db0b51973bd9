import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withClient } from '@warehouse/db/pg';

export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../db');

/** A copy of packages/db/prisma in a temp folder, so tests never touch the real schema. */
export function copyPrismaDir(): { root: string; schema: string; dir: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'engine-prisma-'));
  cpSync(path.join(packageDir, 'prisma'), path.join(root, 'prisma'), { recursive: true });
  return { root, schema: path.join(root, 'prisma', 'schema.prisma'), dir: path.join(root, 'prisma', 'migrations') };
}

/** Add a line right after `model NAME {` (throws when the model is gone, so the test says why). */
export function addFieldToModel(schemaFile: string, model: string, line: string): void {
  const text = readFileSync(schemaFile, 'utf8');
  const opening = new RegExp(`^model ${model} \\{\\n`, 'm');
  if (!opening.test(text))
    throw new Error(`model ${model} not found in ${schemaFile}; update the test to a model that exists`);
  writeFileSync(
    schemaFile,
    text.replace(opening, (m) => `${m}  ${line}\n`),
  );
}

/** How many databases on the server have names starting with `prefix`. */
export async function countDatabases(adminUrl: string, prefix: string): Promise<number> {
  return withClient(adminUrl, async (c) => {
    const r = await c.query<{ n: string }>(`select count(*) as n from pg_database where datname like $1 || '%'`, [
      prefix,
    ]);
    return Number(r.rows[0]!.n);
  });
}
