#!/usr/bin/env tsx
// pnpm db:check — CI's guard: schema.prisma, the view catalog and the migrations agree, and the migrations folder is sound.
import {
  c,
  defineCommand,
  info,
  jsonFlag,
  printJson,
  runCommand,
  schemaSourceFlags,
  schemaSources,
} from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:check',
    summary: 'check that schema.prisma, the view catalog and the migrations agree (CI runs this)',
    description:
      'Exit 1 when:\n' +
      '  - a migration folder lacks migration.sql, is misnamed, or two migrations share a timestamp;\n' +
      '  - replaying the migrations (throw-away shadow database, always dropped) does not give exactly\n' +
      '    the tables of schema.prisma — the SQL that differs is printed;\n' +
      '  - a view or MV of the catalog (packages/db/prisma/views/<schema>/<name>.sql) is missing from the\n' +
      '    migrations, differs from what they create (definition, columns, indexes, comment, options; the\n' +
      '    difference of the normalised definitions is printed), or the migrations create one the catalog lacks;\n' +
      '  - with --env: a migration applied there was edited since (checksum in _prisma_migrations).\n' +
      'The shadow database is created on the --shadow-env server (default local_dev: embedded PostgreSQL).',
    flags: {
      env: {
        type: 'string',
        placeholder: 'NAME',
        description: 'also check that no migration applied to this environment was edited',
      },
      'shadow-env': {
        type: 'string',
        placeholder: 'NAME',
        default: 'local_dev',
        description: 'environment whose server hosts the shadow database',
      },
      ...schemaSourceFlags,
      json: jsonFlag,
    },
    examples: ['pnpm db:check', 'pnpm db:check --env vm_stg'],
    async run({ flags }) {
      const { dir, schema, catalogDir } = schemaSources(flags);
      const { checkSchema } = await import('@warehouse/migrate/engine');
      const { withEnv } = await import('../src/env.ts');
      const quiet = flags.json;
      const result = await withEnv(
        flags['shadow-env'],
        (shadow) =>
          flags.env
            ? withEnv(
                flags.env,
                (target) => checkSchema({ url: shadow.url, dir, schema, catalogDir, appliedUrl: target.url }),
                { quiet },
              )
            : checkSchema({ url: shadow.url, dir, schema, catalogDir }),
        { quiet },
      );
      if (flags.json) {
        printJson(result);
        return result.ok ? 0 : 1;
      }
      for (const p of result.problems) {
        info(`${c.err('✗')} ${p.message}`);
        if (p.sql) process.stdout.write(`${p.sql}\n`);
      }
      for (const s of result.skipped) info(c.dim(`skipped: ${s}`));
      if (result.ok) info(c.ok('✓ schema.prisma and the migrations agree (tables, and the views/MVs of the catalog)'));
      return result.ok ? 0 : 1;
    },
  }),
);
