import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DbError } from '../errors.ts';
import { DEFAULT_MIGRATIONS_DIR } from '../migrator/files.ts';
import { status as migratorStatus } from '../migrator/commands.ts';
import { openSchemaEngine, type OpenEngineOptions } from './engine.ts';
import {
  checkMigrationFolders,
  DEFAULT_SCHEMA_PATH,
  loadMigrationList,
  loadSchemas,
  migrationFolders,
  nextTimestamp,
  schemaFiles,
  slugName,
  type FolderProblem,
} from './migrations.ts';

export interface SchemaWorkflowOptions {
  /**
   * A database on the server where the throw-away shadow database is created (the engine also
   * connects to it, but reads and writes nothing there).
   */
  url: string;
  /** Migrations folder (default packages/db/prisma/migrations). */
  dir?: string;
  /** schema.prisma, or the folder of a multi-file schema (default packages/db/prisma/schema.prisma). */
  schema?: string;
  /** Which engine (default: native when configured, else WASM). */
  engine?: OpenEngineOptions['engine'];
  env?: NodeJS.ProcessEnv;
  /** Name prefix of the throw-away shadow database (WASM engine; default `prisma_migrate_shadow_db_`). */
  shadowDatabasePrefix?: string;
}

export interface SchemaDiff {
  /** True when replaying the migrations gives exactly the tables schema.prisma describes. */
  inSync: boolean;
  /** The SQL that would take the migrated database to schema.prisma ('' when in sync). */
  sql: string;
}

const NO_FILTER = { externalTables: [], externalEnums: [] };

/**
 * Replay the migrations in a throw-away shadow database and diff it against schema.prisma.
 * The shadow database is dropped whether the diff succeeds or not.
 *
 * @example
 * const { inSync, sql } = await diffMigrationsToSchema({ url });
 */
export async function diffMigrationsToSchema(options: SchemaWorkflowOptions): Promise<SchemaDiff> {
  const dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
  const files = await schemaFiles(options.schema ?? DEFAULT_SCHEMA_PATH);
  const [list, schemas] = await Promise.all([loadMigrationList(dir), loadSchemas(files)]);
  const engine = await openSchemaEngine({ url: options.url, engine: options.engine, env: options.env, shadowDatabasePrefix: options.shadowDatabasePrefix });
  try {
    const result = await engine.diff({
      from: { tag: 'migrations', ...list },
      to: { tag: 'schemaDatamodel', ...schemas },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    // With exitCode: true the engine answers 2 when the diff is not empty, 0 when it is.
    const inSync = result.exitCode === 0;
    return { inSync, sql: inSync ? '' : (result.stdout ?? '').trimEnd() + '\n' };
  } finally {
    await engine.close();
  }
}

export interface NewMigrationOptions extends SchemaWorkflowOptions {
  /** Free text; becomes the folder suffix in lower snake_case. */
  name: string;
  /** Write an empty migration.sql for hand-written SQL (views, MVs) instead of diffing. */
  empty?: boolean;
  /** Clock for the folder timestamp (tests). */
  now?: Date;
}

export interface NewMigrationResult {
  /** Folder name created, or null when there was nothing to do. */
  created: string | null;
  path: string | null;
  sql: string;
}

/**
 * Write `<dir>/<timestamp>_<name>/migration.sql` with the SQL that takes the migration history to
 * schema.prisma (or an empty file with `empty`). Nothing to do → `created: null`, no folder.
 * Refuses while the folder has structural problems (missing migration.sql, shared timestamps).
 */
export async function newMigration(options: NewMigrationOptions): Promise<NewMigrationResult> {
  const dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
  const slug = slugName(options.name);
  if (!slug) {
    throw new DbError('E_BAD_ARGUMENT', `migration name ${JSON.stringify(options.name)} has no letters or digits; pass e.g. --name add_upload_file_note`);
  }
  const problems = await checkMigrationFolders(dir);
  if (problems.length) {
    throw new DbError('E_MIGRATION_DIR', `${dir} must be fixed before adding a migration:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
  }
  let sql: string;
  if (options.empty) {
    sql = `-- ${slug}: hand-written SQL (views, materialized views, functions).\n-- Header lines available: "-- migrate:no-transaction", "-- requires: schema.relation, …" (docs/design.md).\n`;
  } else {
    const diff = await diffMigrationsToSchema(options);
    if (diff.inSync) return { created: null, path: null, sql: '' };
    sql = diff.sql;
  }
  const folder = `${nextTimestamp(await migrationFolders(dir), options.now ?? new Date())}_${slug}`;
  const folderPath = path.join(dir, folder);
  await mkdir(folderPath, { recursive: true });
  const file = path.join(folderPath, 'migration.sql');
  await writeFile(file, sql, { flag: 'wx' });
  return { created: folder, path: file, sql };
}

export interface CheckProblem {
  kind: FolderProblem['kind'] | 'schema-drift' | 'edited-migration';
  message: string;
  /** For schema-drift: the SQL a new migration would need. */
  sql?: string;
}

export interface CheckOptions extends SchemaWorkflowOptions {
  /** A database whose `_prisma_migrations` is compared with the files (edited applied migrations). */
  appliedUrl?: string;
}

export interface CheckResult {
  ok: boolean;
  problems: CheckProblem[];
  /** Checks that did not run, and why (e.g. the diff when a folder lacks migration.sql). */
  skipped: string[];
}

/**
 * What CI runs: the migrations folder is well-formed, the migrations produce exactly the tables
 * of schema.prisma, and (with `appliedUrl`) no applied migration was edited since.
 */
export async function checkSchema(options: CheckOptions): Promise<CheckResult> {
  const dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
  const problems: CheckProblem[] = [...(await checkMigrationFolders(dir))];
  const skipped: string[] = [];
  if (problems.length) {
    skipped.push('schema diff and applied-migration check (fix the migrations folder first)');
    return { ok: false, problems, skipped };
  }
  const diff = await diffMigrationsToSchema(options);
  if (!diff.inSync) {
    problems.push({
      kind: 'schema-drift',
      message: `schema.prisma and the migrations in ${dir} disagree; run \`pnpm db:migrate:new --name <what_changed>\` to add a migration with this SQL (or change schema.prisma back)`,
      sql: diff.sql,
    });
  }
  if (options.appliedUrl) {
    const st = await migratorStatus({ url: options.appliedUrl, dir });
    for (const name of st.edited) {
      problems.push({
        kind: 'edited-migration',
        message: `migration ${name} was edited after it was applied (its checksum differs from _prisma_migrations); restore the applied text (git log -p ${path.join(dir, name, 'migration.sql')}) and put the change in a new migration`,
      });
    }
  } else {
    skipped.push('applied-migration check (no database given; pass --env)');
  }
  return { ok: problems.length === 0, problems, skipped };
}
