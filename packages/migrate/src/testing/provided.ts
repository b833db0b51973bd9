// Types of the values the global setup provides to tests through `inject()`.
declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the `postgres` database of this test run's embedded server. */
    pgAdminUrl: string;
  }
}
export {};
