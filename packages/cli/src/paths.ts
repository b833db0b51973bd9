import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (packages/cli/src/../../..). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * packages/db/sql/schema_head.sql: the schema at head, as `pnpm db:snapshot` writes it (beside
 * packages/db/prisma/migrations, the migrator's DEFAULT_MIGRATIONS_DIR). Here rather than in
 * ops/baseline.ts so that db:snapshot's --help can name it without loading the migrator.
 */
export const SNAPSHOT_FILE = path.join(repoRoot, 'packages/db/sql/schema_head.sql');
