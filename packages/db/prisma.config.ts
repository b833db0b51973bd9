import { defineConfig } from 'prisma/config';

// `prisma generate` needs no database; the default URL only keeps the config valid without one.
// Commands that do connect read DATABASE_URL (the toolkit's own runner resolves envs itself).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@localhost:5432/warehouse' },
});
