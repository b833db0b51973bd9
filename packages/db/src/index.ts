export { DbError, type DbErrorCode } from './errors.ts';
export { maskUrl, maskSecrets } from '@warehouse/secrets';
export {
  withClient,
  withPoolClient,
  withTransaction,
  withDatabase,
  databaseOf,
  ident,
  type PgClient,
} from './pg/with.ts';
