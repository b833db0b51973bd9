export * from './upload-file.ts';
export * from './tables.ts';
export * from './operations.ts';
export * from './purge.ts';
export * from './reads.ts';
