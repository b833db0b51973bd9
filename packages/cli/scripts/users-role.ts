#!/usr/bin/env tsx
// pnpm users:role --email E --role viewer|staff|admin — change an account's role.
import {
  asFlag,
  c,
  defineCommand,
  emailFlag,
  envFlag,
  info,
  jsonFlag,
  printJson,
  requireEmail,
  runCommand,
} from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm users:role',
    summary: 'change an account’s role: viewer, staff or admin',
    description:
      'Its sessions and keys keep working with the new role (running API processes notice within AUTH_CACHE_MS).\n' +
      'Written to the audit log as user.role_changed with the old and new role. Guarded like other writing commands.',
    flags: {
      email: emailFlag,
      role: { type: 'string', placeholder: 'ROLE', description: 'viewer | staff | admin' },
      as: asFlag,
      env: envFlag,
      json: jsonFlag,
    },
    examples: ['pnpm users:role --email sato@example.com --role admin'],
    async run({ flags }) {
      const email = requireEmail(flags.email);
      const { setRole } = await import('@warehouse/db/accounts');
      const { withWritingEnv } = await import('../src/destructive.ts');
      const { cliActor, inAccountTransaction, parseRole } = await import('../src/users.ts');
      const role = parseRole(flags.role);
      await withWritingEnv(
        flags.env,
        'users:role',
        (db) => inAccountTransaction(db.url, (client) => setRole(client, email, role, cliActor(flags.as))),
        { quiet: flags.json },
      );
      if (flags.json) return printJson({ email, role });
      info(c.ok(`${email} is now ${role}`));
    },
  }),
);
