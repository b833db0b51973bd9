import { createHash } from 'node:crypto';
import { DbError } from '@warehouse/db';
import { ident, withClient, withDatabase } from '@warehouse/db/pg';
import { DEFAULT_MIGRATIONS_DIR, readMigrations } from '../files.ts';
import { migrate } from '../migrate.ts';

/** Advisory lock (in the `postgres` database) that serialises template builders across test workers. */
const TEMPLATE_LOCK = 72707370;

/**
 * A template database migrated to head, created once per server (race-safe across vitest
 * workers) and named after the migrations' checksums, so a changed migration set gets a new one.
 * Clone it with `createTestDatabase(adminUrl, { template })`.
 *
 * @example
 * const template = await createMigratedTemplate(inject('pgAdminUrl'));
 * const db = await createTestDatabase(inject('pgAdminUrl'), { template });
 */
export async function createMigratedTemplate(adminUrl: string, options: { dir?: string } = {}): Promise<string> {
  const dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
  const files = await readMigrations(dir);
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.name}\0${f.checksum}\n`);
  const name = `tpl_${hash.digest('hex').slice(0, 16)}`;
  return withClient(adminUrl, async (admin) => {
    await admin.query('select pg_advisory_lock($1::bigint)', [TEMPLATE_LOCK]);
    try {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount) return name;
      // Build under a temporary name and rename, so a crash never leaves a half-migrated template.
      const building = `${name}_building`;
      await admin.query(`drop database if exists ${ident(building)} with (force)`);
      await admin.query(`create database ${ident(building)}`);
      const result = await migrate({
        url: withDatabase(adminUrl, building),
        dir,
        applicationName: 'warehouse-template',
      });
      if (result.failed) {
        throw new DbError(
          'E_MIGRATION_FAILED',
          `building template database ${name} from ${dir} failed at ${result.failed.name}: ${result.failed.error.message}`,
          {
            cause: result.failed.error,
          },
        );
      }
      await admin.query(`alter database ${ident(building)} rename to ${ident(name)}`);
      await admin.query(`alter database ${ident(name)} is_template true`);
      return name;
    } finally {
      await admin.query('select pg_advisory_unlock($1::bigint)', [TEMPLATE_LOCK]).catch(() => {});
    }
  });
}
