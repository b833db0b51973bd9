export { DbError, maskUrl, type DbErrorCode } from './errors.ts';
export { withClient, withTransaction, withDatabase, databaseOf, ident, type PgClient } from './pg/with.ts';
export { ensureEmbeddedServer, runningEmbeddedServer, defaultEmbeddedDir, freePort, type EmbeddedServer, type EmbeddedServerOptions } from './embedded/server.ts';
export { startThrowawayServer, createScratchDatabase, type ThrowawayServer, type ScratchDatabase } from './embedded/throwaway.ts';
export {
  loadRegistry,
  getEnvironment,
  registryPath,
  urlVariableFor,
  type EnvironmentConfig,
  type EnvironmentRegistry,
  type ComposeConfig,
} from './env/registry.ts';
export { resolveDatabase, configuredUrl, embeddedLocation, EMBEDDED_DATABASE, type ResolvedDatabase, type ResolveOptions } from './env/resolve.ts';
