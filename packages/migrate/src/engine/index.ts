export { openSchemaEngine, createDatabase, type SchemaEngine, type OpenEngineOptions } from './engine.ts';
export type * from './engine.ts';
export { PgEngineAdapterFactory, SHADOW_DATABASE_PREFIX, type PgEngineAdapterOptions } from './pg-adapter.ts';
export { isNativeEngine, EngineRpcError, NativeEngineClient, STANDIN_VERSION_MARK } from './native.ts';
export { loadWasmEngine } from './wasm.ts';
export {
  diffMigrationsToSchema,
  newMigration,
  checkSchema,
  type SchemaWorkflowOptions,
  type SchemaDiff,
  type NewMigrationOptions,
  type NewMigrationResult,
  type CheckOptions,
  type CheckResult,
  type CheckProblem,
} from './workflow.ts';
export {
  checkMigrationFolders,
  loadMigrationList,
  loadSchemas,
  schemaFiles,
  nextTimestamp,
  explicitTimestamp,
  slugName,
  DEFAULT_SCHEMA_PATH,
  type FolderProblem,
} from './migrations.ts';
