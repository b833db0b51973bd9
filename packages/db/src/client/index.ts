/**
 * The generated Prisma client (prisma/schema.prisma → src/generated/prisma, made by
 * `scripts/generate.ts` at install) and a factory that connects it through node-pg.
 *
 * @example
 *   import { createPrismaClient } from '@warehouse/db/client';
 *   const prisma = createPrismaClient(url);
 *   const days = await prisma.mvReceiveDaily.findMany({ orderBy: { ddate: 'asc' } });
 *   await prisma.$disconnect();
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export * from '../generated/prisma/client.ts';

export type PrismaClientOptions = Omit<
  NonNullable<ConstructorParameters<typeof PrismaClient>[0]>,
  'adapter' | 'accelerateUrl'
>;

/** A Prisma client on `connectionString` using the Rust-free engine and `@prisma/adapter-pg`. */
export function createPrismaClient(connectionString: string, options: PrismaClientOptions = {}): PrismaClient {
  return new PrismaClient({ ...options, adapter: new PrismaPg({ connectionString }) });
}
