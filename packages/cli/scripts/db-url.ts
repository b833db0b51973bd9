#!/usr/bin/env tsx
// pnpm db:url — print where an environment's database is (password masked unless --show-password).
import { defineCommand, envFlag, runCommand, info } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:url',
    summary: "print an environment's database URL (starts the embedded server for local envs)",
    description:
      'With no URL configured, local_dev is an embedded PostgreSQL: this starts it if needed and prints its URL.\n' +
      'An embedded server this command started is stopped when it exits (a running one is left running), so for\n' +
      'psql either use `pnpm db:psql`, or keep `pnpm db:url --wait` running in another terminal and then use the URL.\n' +
      '--wait keeps the server running until Ctrl+C, SIGTERM, or until the process that started it (pnpm) goes away.',
    flags: {
      env: envFlag,
      'show-password': {
        type: 'boolean',
        description: 'print the URL with its password (for scripts; careful in logs)',
      },
      wait: { type: 'boolean', description: 'keep the embedded server running until Ctrl+C' },
    },
    examples: [
      'pnpm db:url',
      'pnpm db:url --wait   # then, in another terminal: psql "$(pnpm -s db:url --show-password)"',
      'pnpm db:psql',
      'pnpm db:url --env local_demo --wait',
    ],
    async run({ flags }) {
      const { maskUrl } = await import('@warehouse/db');
      const { onParentGone } = await import('@warehouse/env');
      const { withEnv } = await import('../src/env.ts');
      await withEnv(flags.env, async (db) => {
        process.stdout.write(`${flags['show-password'] ? db.url : maskUrl(db.url)}\n`);
        if (flags.wait) {
          info('server running; Ctrl+C to stop');
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
            // pnpm does not forward SIGTERM to us: stop with it.
            onParentGone(resolve);
          });
          info('stopping');
        }
      });
    },
  }),
);
