// Prisma's own destructive commands through the stand-in engine (bin/schema-engine, the engine
// prisma.config.ts selects) are refused on a protected database: the marker, or production's
// identity. The toolkit's guarded commands are the way to change such a database.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeProtectionMarker } from '@warehouse/env';
import { refuseOnProtected } from '../src/engine/protected-guard.ts';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { packageDir } from './helpers/prisma-copy.ts';

const adminUrl = inject('pgAdminUrl');
const prismaCli = path.join(
  path.dirname(createRequire(path.join(packageDir, 'package.json')).resolve('prisma/package.json')),
  'build',
  'index.js',
);

/** The real `prisma` CLI in packages/db (its prisma.config.ts) on DATABASE_URL. */
function prisma(args: string[], url: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, ...args], {
      cwd: packageDir,
      env: {
        ...process.env,
        DATABASE_URL: url,
        PRISMA_SCHEMA_ENGINE_BINARY: path.join(packageDir, '..', 'migrate', 'bin', 'schema-engine'),
        CHECKPOINT_DISABLE: '1',
        NO_COLOR: '1',
        CI: '1',
        DATABASE_URL_VM_PROD: undefined,
        PROD_DATABASE_URL: undefined,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const exists = async (url: string, name: string) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ ok: boolean }>(`select to_regclass($1) is not null as ok`, [name])).rows[0]!.ok;
  } finally {
    await c.end();
  }
};

describe('prisma CLI destructive commands on a protected database', { timeout: 300_000 }, () => {
  let prod: TestDatabase;
  let plain: TestDatabase;
  const sqlFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'engine-protected-')), 'drop.sql');

  beforeAll(async () => {
    const template = await createMigratedTemplate(adminUrl);
    prod = await createTestDatabase(adminUrl, { template, prefix: 'eprot' });
    plain = await createTestDatabase(adminUrl, { template, prefix: 'eplain' });
    await writeProtectionMarker(prod.url, 'vm_prod');
    writeFileSync(sqlFile, 'DROP TABLE kpi.target_edit;\n');
  });
  afterAll(async () => {
    await prod?.drop();
    await plain?.drop();
  });

  it('prisma db execute is refused on the marked database and runs on an unmarked one', async () => {
    const refused = await prisma(['db', 'execute', '--file', sqlFile], prod.url);
    expect(refused.code, refused.out).not.toBe(0);
    expect(refused.out).toContain('refused');
    expect(refused.out).toContain('the database marked vm_prod');
    expect(await exists(prod.url, 'kpi.target_edit')).toBe(true);

    const ran = await prisma(['db', 'execute', '--file', sqlFile], plain.url);
    expect(ran.code, ran.out).toBe(0);
    expect(await exists(plain.url, 'kpi.target_edit')).toBe(false);
  });

  it('prisma migrate reset --force is refused on the marked database: nothing dropped', async () => {
    const r = await prisma(['migrate', 'reset', '--force'], prod.url);
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toContain('pnpm db:reset --env NAME');
    expect(await exists(prod.url, 'kpi.target_edit')).toBe(true);
    expect(await exists(prod.url, 'toolkit.protection')).toBe(true);
  });

  it("an unmarked database that is production's (DATABASE_URL_VM_PROD) is refused the same; reads pass", async () => {
    const vars = { DATABASE_URL_VM_PROD: plain.url };
    await expect(refuseOnProtected('reset', plain.url, { vars })).rejects.toThrow(
      /the database of protected environment vm_prod \(its URL from DATABASE_URL_VM_PROD\)/,
    );
    await expect(refuseOnProtected('diagnoseMigrationHistory', plain.url, { vars })).resolves.toBeUndefined();
    await expect(refuseOnProtected('reset', plain.url, { vars: {} })).resolves.toBeUndefined();
    await expect(
      refuseOnProtected('reset', plain.url.replace(/\/[^/?]+(\?|$)/, '/no_such_db$1'), { vars: {} }),
    ).rejects.toThrow(/E_IDENTITY_UNREADABLE|could not read/);
  });
});
