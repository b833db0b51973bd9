export {
  readIdentity,
  describeIdentity,
  sameDatabase,
  sameInstance,
  IdentityUnreadable,
  MARKER_TABLE,
  MARKER_SCHEMA,
  type DatabaseIdentity,
  type MarkerState,
  type ProtectionMarker,
} from './identity.ts';
export {
  parseConnection,
  canonicalUrl,
  canonicalConnection,
  libpqConnection,
  ConnRefused,
  NO_PASSFILE,
  type ConnDescriptor,
  type ParseOptions,
  type SslMode,
} from './conn.ts';
export {
  writeProtectionMarker,
  writeReleasedCopyMarker,
  probeSameInstance,
  type MarkerWriteResult,
} from './protection.ts';
export { ANCHOR_PREFIX } from './marker.ts';
export {
  ensureEmbeddedServer,
  runningEmbeddedServer,
  defaultEmbeddedDir,
  defaultEmbeddedRoot,
  hasDataDirMarker,
  DATA_DIR_MARKER,
  onParentGone,
  freePort,
  type EmbeddedServer,
  type EmbeddedServerOptions,
} from './embedded/server.ts';
export {
  startThrowawayServer,
  createScratchDatabase,
  type ThrowawayServer,
  type ScratchDatabase,
} from './embedded/throwaway.ts';
export {
  loadRegistry,
  getEnvironment,
  registryPath,
  urlVariableFor,
  PRODUCTION_ENV,
  type EnvironmentConfig,
  type EnvironmentRegistry,
  type ComposeConfig,
} from './registry.ts';
export {
  resolveDatabase,
  configuredUrl,
  productionReferences,
  embeddedLocation,
  EMBEDDED_DATABASE,
  type ResolvedDatabase,
  type ResolveOptions,
} from './resolve.ts';
