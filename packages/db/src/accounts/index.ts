/** Accounts, API keys and the audit log (@warehouse/db/accounts). */
export * from './audit.ts';
export * from './users.ts';
export * from './keys.ts';
