#!/usr/bin/env tsx
// pnpm db:diff — unified diff of two environments' schemas; exit 1 when they differ.
import { CliError, EXIT, c, defineCommand, info, jsonFlag, printJson, runCommand } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:diff',
    summary: "compare two environments' schemas and privileges (normalised dumps); exit 1 when they differ",
    description:
      'Compares schema-only pg_dumps (without owners) including privileges: GRANT/REVOKE on objects and ALTER DEFAULT\n' +
      'PRIVILEGES, so an environment that missed `pnpm db:bootstrap-roles` differs. --ignore-privileges compares the\n' +
      'schema alone (as db:dump and db:snapshot write it).',
    flags: {
      from: { type: 'string', placeholder: 'ENV', description: 'the env on the left (-)' },
      to: { type: 'string', placeholder: 'ENV', description: 'the env on the right (+)' },
      'ignore-privileges': {
        type: 'boolean',
        description: 'leave grants and default privileges out of the comparison',
      },
      json: jsonFlag,
    },
    examples: [
      'pnpm db:diff --from local_dev --to vm_stg',
      'pnpm db:diff --from local_dev --to vm_stg --ignore-privileges',
    ],
    async run({ flags }) {
      if (!flags.from || !flags.to)
        throw new CliError('E_USAGE', '--from ENV and --to ENV are both required, e.g. --from local_dev --to vm_stg');
      const { loadRegistry } = await import('@warehouse/env');
      const { withEnv } = await import('../src/env.ts');
      const { dumpSchema, dumpVia, unifiedDiff } = await import('../src/ops/dump.ts');
      const registry = loadRegistry();
      const dump = (name: string) =>
        withEnv(
          name,
          async (db) =>
            dumpSchema({
              env: db.env,
              url: db.url,
              registry,
              via: await dumpVia(db),
              privileges: !flags['ignore-privileges'],
            }),
          { registry },
        );
      const a = await dump(flags.from);
      const b = await dump(flags.to);
      const what = flags['ignore-privileges'] ? 'schema' : 'schema and privileges';
      const d = await unifiedDiff(a, b, `${flags.from} (${what})`, `${flags.to} (${what})`);
      if (flags.json)
        printJson({
          from: flags.from,
          to: flags.to,
          privileges: !flags['ignore-privileges'],
          same: d.same,
          diff: d.diff,
        });
      else if (d.same)
        info(
          c.ok(
            `the ${what === 'schema' ? 'schemas' : 'schemas and privileges'} of ${flags.from} and ${flags.to} are identical`,
          ),
        );
      else process.stdout.write(d.diff);
      return d.same ? EXIT.ok : EXIT.failure;
    },
  }),
);
