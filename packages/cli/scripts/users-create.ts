#!/usr/bin/env tsx
// pnpm users:create --email E --name N --role viewer|staff|admin [--password-stdin] — an account that signs in to the console.
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
    name: 'pnpm users:create',
    summary: 'make an account (email + password) with a role: viewer, staff or admin',
    description:
      'Roles: viewer reads dashboards, history and freshness; staff also uploads, confirms and undoes uploads\n' +
      'and edits targets; admin also refreshes MVs by hand, reads the audit log and manages keys.\n' +
      'Without --password-stdin a one-time password is printed once (hand it over; the person changes it in\n' +
      'the console). Written to the audit log as user.created with --as or your OS user. Guarded like other\n' +
      'writing commands: a protected env is refused unless named.',
    flags: {
      email: emailFlag,
      name: {
        type: 'string',
        placeholder: 'N',
        description: 'the person’s name as shown in the console and the audit log',
      },
      role: { type: 'string', placeholder: 'ROLE', description: 'viewer | staff | admin' },
      'password-stdin': passwordStdinFlag,
      as: asFlag,
      env: envFlag,
      json: jsonFlag,
    },
    examples: [
      'pnpm users:create --email sato@example.com --name "佐藤 花子" --role staff',
      'printf %s "$PW" | pnpm users:create --email ci@example.com --name CI --role staff --password-stdin',
    ],
    async run({ flags }) {
      const email = requireEmail(flags.email);
      const { createUser } = await import('@warehouse/db/accounts');
      const { withWritingEnv } = await import('../src/destructive.ts');
      const { cliActor, inAccountTransaction, parseRole, readPasswordFromStdin } = await import('../src/users.ts');
      const role = parseRole(flags.role);
      const password = flags['password-stdin'] ? await readPasswordFromStdin() : undefined;
      const r = await withWritingEnv(
        flags.env,
        'users:create',
        (db) =>
          inAccountTransaction(db.url, (client) =>
            createUser(client, { email, name: flags.name ?? '', role, password, actor: cliActor(flags.as) }),
          ),
        { quiet: flags.json },
      );
      if (flags.json) return printJson({ ...r.user, ...(r.generated ? { oneTimePassword: r.password } : {}) });
      info(c.ok(`created ${r.user.email} (${r.user.name}), role ${r.user.role}`));
      if (r.generated) process.stdout.write(`one-time password (shown once): ${r.password}\n`);
    },
  }),
);
