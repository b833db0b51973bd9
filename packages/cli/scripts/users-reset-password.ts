#!/usr/bin/env tsx
// pnpm users:reset-password --email E [--password-stdin] — a new password (one-time unless given); every session of the user ends.
import {
  asFlag,
  c,
  defineCommand,
  emailFlag,
  envFlag,
  info,
  jsonFlag,
  passwordStdinFlag,
  printJson,
  requireEmail,
  runCommand,
} from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm users:reset-password',
    summary: 'set a new password for an account (a one-time one is printed unless --password-stdin)',
    description:
      'Every session of the account ends. A disabled account stays disabled. Written to the audit log as\n' +
      'user.password_reset (the password itself never is). Guarded like other writing commands.',
    flags: { email: emailFlag, 'password-stdin': passwordStdinFlag, as: asFlag, env: envFlag, json: jsonFlag },
    examples: ['pnpm users:reset-password --email sato@example.com'],
    async run({ flags }) {
      const email = requireEmail(flags.email);
      const { resetPassword } = await import('@warehouse/db/accounts');
      const { withWritingEnv } = await import('../src/destructive.ts');
      const { cliActor, inAccountTransaction, readPasswordFromStdin } = await import('../src/users.ts');
      const password = flags['password-stdin'] ? await readPasswordFromStdin() : undefined;
      const r = await withWritingEnv(
        flags.env,
        'users:reset-password',
        (db) => inAccountTransaction(db.url, (client) => resetPassword(client, email, password, cliActor(flags.as))),
        { quiet: flags.json },
      );
      if (flags.json)
        return printJson({
          email,
          sessionsEnded: r.sessionsEnded,
          ...(r.generated ? { oneTimePassword: r.password } : {}),
        });
      info(c.ok(`new password set for ${email}; ${r.sessionsEnded} session(s) ended`));
      if (r.generated) process.stdout.write(`one-time password (shown once): ${r.password}\n`);
    },
  }),
);
