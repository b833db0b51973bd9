/**
 * Test names for the throw-away server and scratch databases, which live in
 * `src/embedded/throwaway.ts` (production code such as `db:snapshot` uses them too).
 */
export {
  startThrowawayServer as startTestServer,
  createScratchDatabase as createTestDatabase,
  type ThrowawayServer as TestServer,
  type ScratchDatabase as TestDatabase,
} from '@warehouse/env';
