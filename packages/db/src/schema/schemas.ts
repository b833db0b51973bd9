/** The schemas the toolkit owns (`datasource.schemas` in prisma/schema.prisma). */
export const DOMAIN_SCHEMAS = ['raw', 'stg', 'ref', 'mart', 'kpi', 'log', 'auth'] as const;
