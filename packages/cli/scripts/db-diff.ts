#!/usr/bin/env tsx
// pnpm db:diff — unified diff of two environments' schemas; exit 1 when they differ.
import { loadRegistry } from '@warehouse/db';
import { CliError, EXIT, c, defineCommand, info, jsonFlag, printJson, runCommand, withEnv } from '../src/index.ts';
import { dumpSchema, dumpVia, unifiedDiff } from '../src/ops/dump.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:diff',
    summary: "compare two environments' schemas (normalised dumps); exit 1 when they differ",
    flags: {
      from: { type: 'string', placeholder: 'ENV', description: 'the env on the left (-)' },
      to: { type: 'string', placeholder: 'ENV', description: 'the env on the right (+)' },
      json: jsonFlag,
    },
    examples: ['pnpm db:diff --from local_dev --to vm_stg'],
    async run({ flags }) {
      if (!flags.from || !flags.to) throw new CliError('E_USAGE', '--from ENV and --to ENV are both required, e.g. --from local_dev --to vm_stg');
      const registry = loadRegistry();
      const dump = (name: string) => withEnv(name, async (db) => dumpSchema({ env: db.env, url: db.url, registry, via: await dumpVia(db) }), { registry });
      const a = await dump(flags.from);
      const b = await dump(flags.to);
      const d = await unifiedDiff(a, b, `${flags.from} (schema)`, `${flags.to} (schema)`);
      if (flags.json) printJson({ from: flags.from, to: flags.to, same: d.same, diff: d.diff });
      else if (d.same) info(c.ok(`the schemas of ${flags.from} and ${flags.to} are identical`));
      else process.stdout.write(d.diff);
      return d.same ? EXIT.ok : EXIT.failure;
    },
  }),
);
