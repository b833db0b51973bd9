#!/usr/bin/env tsx
// pnpm users:disable --email E — the account can no longer sign in; its sessions end and its keys stop working.
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
    name: 'pnpm users:disable',
    summary: 'disable an account: no sign-in, its sessions end, its API keys stop working',
    description:
      'The account and its history stay (the audit log names it). Running API processes notice within\n' +
      'AUTH_CACHE_MS (5 s). Written to the audit log as user.disabled. Guarded like other writing commands.',
    flags: { email: emailFlag, as: asFlag, env: envFlag, json: jsonFlag },
    examples: ['pnpm users:disable --email sato@example.com'],
    async run({ flags }) {
      const email = requireEmail(flags.email);
      const { disableUser } = await import('@warehouse/db/accounts');
      const { withWritingEnv } = await import('../src/destructive.ts');
      const { cliActor, inAccountTransaction } = await import('../src/users.ts');
      const r = await withWritingEnv(
        flags.env,
        'users:disable',
        (db) => inAccountTransaction(db.url, (client) => disableUser(client, email, cliActor(flags.as))),
        { quiet: flags.json },
      );
      if (flags.json) return printJson({ email, ...r });
      info(c.ok(`disabled ${email}; ${r.sessionsEnded} session(s) ended`));
    },
  }),
);
