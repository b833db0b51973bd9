import './provided.ts';
export { startTestServer, createTestDatabase, type TestServer, type TestDatabase } from './server.ts';
export { createMigratedTemplate } from './template.ts';
export { insertSyntheticUploads, type SyntheticUploads } from './uploads.ts';
