#!/usr/bin/env tsx
// pnpm users:list [--json] — every account: email, name, role, disabled, last sign-in, keys.
import { defineCommand, envFlag, jsonFlag, printJson, runCommand, table } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm users:list',
    summary: 'list the accounts: email, name, role, disabled, last sign-in, active sessions, keys',
    description: 'Read-only.',
    flags: { env: envFlag, json: jsonFlag },
    examples: ['pnpm users:list', 'pnpm users:list --env vm_prod --json'],
    async run({ flags }) {
      const { listUsers } = await import('@warehouse/db/accounts');
      const { default: pg } = await import('pg');
      const { withEnv } = await import('../src/env.ts');
      return withEnv(
        flags.env,
        async (db) => {
          const client = new pg.Client({ connectionString: db.url, application_name: 'warehouse-users' });
          client.on('error', () => {});
          await client.connect();
          try {
            const users = await listUsers(client);
            if (flags.json) return printJson(users);
            process.stdout.write(
              `${table(
                ['email', 'name', 'role', 'disabled', 'last sign-in', 'sessions', 'keys'],
                users.map((u) => [
                  u.email,
                  u.name,
                  u.role,
                  u.banned ? 'yes' : '',
                  u.lastSignIn ? u.lastSignIn.toISOString() : '',
                  String(u.activeSessions),
                  String(u.keys),
                ]),
              )}\n`,
            );
          } finally {
            await client.end().catch(() => {});
          }
        },
        { quiet: flags.json },
      );
    },
  }),
);
