export {
  DEFAULT_CATALOG_DIR,
  QUERY_VIEW_SUFFIX,
  readCatalog,
  expandCatalog,
  queryViewComment,
  parseQueryViewComment,
  kindWord,
  parseCatalogFile,
  renderCatalogFile,
  createStatements,
  commentStatement,
  type CatalogObject,
  type CatalogIndex,
  type CatalogKind,
} from '@warehouse/db/views';
export {
  planCatalog,
  withShadowDatabase,
  managedSchemas,
  type CatalogPlan,
  type CatalogPlanOptions,
} from './generate.ts';
export {
  planTransition,
  lineDiff,
  type TransitionPlan,
  type ObjectChange,
  type ChangeKind,
  type TargetDefinition,
  type RebuildMode,
} from './plan.ts';
export {
  SWAP_TABLE,
  SWAP_SCHEMA_SUFFIX,
  shadowSchema,
  shadowName,
  queryRefs,
  shadowQuery,
  fillStatement,
  type SwapStep,
  type QueryRef,
} from './swap.ts';
export { queryReferences, alteredRelations, topoOrder } from './refs.ts';
export {
  readState,
  signature,
  dependantClosure,
  type DbState,
  type DbObject,
  type DbIndex,
  type DbColumn,
} from './state.ts';
export {
  parsePrismaViews,
  checkPrismaViews,
  renderPrismaView,
  prismaScalar,
  type PrismaView,
  type PrismaViewField,
} from './prisma-views.ts';
