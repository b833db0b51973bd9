#!/usr/bin/env tsx
// pnpm db:history — every _prisma_migrations row in order.
import { defineCommand, envFlag, jsonFlag, runCommand, printJson, table, c } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:history',
    summary: 'list the rows of _prisma_migrations: applied, failed (with the error), rolled back, stamped',
    flags: { env: envFlag, json: jsonFlag },
    examples: ['pnpm db:history', 'pnpm db:history --json'],
    async run({ flags }) {
      const { history } = await import('@warehouse/migrate');
      const { withEnv } = await import('../src/env.ts');
      await withEnv(flags.env, async (db) => {
        const rows = await history({ url: db.url });
        if (flags.json) return printJson(rows);
        if (rows.length === 0) return void process.stdout.write('no migrations recorded\n');
        const state = (r: (typeof rows)[number]) =>
          r.state === 'failed'
            ? c.err('failed')
            : r.state === 'rolled-back'
              ? c.warn('rolled back')
              : r.stamped
                ? 'stamped'
                : c.ok('applied');
        process.stdout.write(
          `${table(
            ['migration', 'state', 'started', 'ms', 'error'],
            rows.map((r) => [
              r.name,
              state(r),
              r.startedAt.toISOString(),
              r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : '',
              (r.logs ?? '').split('\n')[0],
            ]),
          )}\n`,
        );
      });
    },
  }),
);
