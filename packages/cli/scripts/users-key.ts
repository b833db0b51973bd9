#!/usr/bin/env tsx
// pnpm users:key --email E --name K — a new API key for scripts, printed once.
import {
  asFlag,
  CliError,
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
    name: 'pnpm users:key',
    summary: 'make an API key for a user (scripts send it as Authorization: Bearer <key>); printed once',
    description:
      'The key acts with the user’s role and is kept only as its SHA-256: it cannot be shown again (make a\n' +
      'new one and revoke the old with DELETE /me/keys/:id). Written to the audit log as key.created.\n' +
      'Guarded like other writing commands.',
    flags: {
      email: emailFlag,
      name: { type: 'string', placeholder: 'K', description: 'what uses the key, e.g. nightly-upload' },
      as: asFlag,
      env: envFlag,
      json: jsonFlag,
    },
    examples: ['pnpm users:key --email sato@example.com --name nightly-upload'],
    async run({ flags }) {
      const email = requireEmail(flags.email);
      if (!flags.name) throw new CliError('E_USAGE', 'name the key after what uses it: --name nightly-upload');
      const name = flags.name;
      const { createApiKey, userByEmail } = await import('@warehouse/db/accounts');
      const { withWritingEnv } = await import('../src/destructive.ts');
      const { cliActor, inAccountTransaction } = await import('../src/users.ts');
      const r = await withWritingEnv(
        flags.env,
        'users:key',
        (db) =>
          inAccountTransaction(db.url, async (client) => {
            const u = await userByEmail(client, email);
            if (u.banned)
              throw new CliError('E_FAILED', `${email} is disabled; a key of a disabled account would not work`);
            return createApiKey(client, { userId: u.id, name, actor: cliActor(flags.as) });
          }),
        { quiet: flags.json },
      );
      if (flags.json) return printJson({ email, id: r.id, name, key: r.key });
      info(c.ok(`API key ${r.id} "${name}" for ${email} (shown once; only its hash is kept):`));
      process.stdout.write(`${r.key}\n`);
    },
  }),
);
