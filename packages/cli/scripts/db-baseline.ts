#!/usr/bin/env tsx
// pnpm db:baseline — squash the migration history into one baseline migration.
import { CliError, c, defineCommand, dirFlag, info, jsonFlag, printJson, runCommand } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:baseline',
    summary: "write a baseline migration from an env's schema and archive the older migration folders",
    description:
      'The env must be at head (pnpm db:status). Writes <now>_<NAME>/migration.sql (the normalised schema dump)\n' +
      'and moves every older folder to packages/db/prisma/migrations_archive/ (the runner ignores it).\n' +
      'Then: existing envs run pnpm db:stamp --env E --to <new folder>; new envs replay from the baseline.',
    flags: {
      from: { type: 'string', placeholder: 'ENV', description: 'the env whose schema becomes the baseline (at head)' },
      name: { type: 'string', placeholder: 'NAME', description: 'migration name, e.g. baseline_2026_01' },
      dir: dirFlag,
      'archive-dir': {
        type: 'string',
        placeholder: 'DIR',
        description: 'where older folders go (default packages/db/prisma/migrations_archive)',
      },
      json: jsonFlag,
    },
    examples: ['pnpm db:baseline --from local_dev --name baseline_2026_01'],
    async run({ flags }) {
      if (!flags.from || !flags.name)
        throw new CliError(
          'E_USAGE',
          '--from ENV and --name NAME are both required, e.g. --from local_dev --name baseline_2026_01',
        );
      const { DbError, maskUrl } = await import('@warehouse/db');
      const { loadRegistry } = await import('@warehouse/env');
      const { DEFAULT_MIGRATIONS_DIR, status } = await import('@warehouse/migrate');
      const { withEnv } = await import('../src/env.ts');
      const { writeBaseline } = await import('../src/ops/baseline.ts');
      const { dumpSchema, dumpVia } = await import('../src/ops/dump.ts');
      const registry = loadRegistry();
      const dir = flags.dir ?? DEFAULT_MIGRATIONS_DIR;
      await withEnv(
        flags.from,
        async (db) => {
          const s = await status({ url: db.url, dir });
          if (!s.upToDate || s.edited.length) {
            throw new DbError(
              'E_BAD_ARGUMENT',
              `environment ${db.env.name} (${maskUrl(db.url)}) is not at head (pending: ${s.pending.join(', ') || 'none'}; failed: ${s.failed.map((f) => f.name).join(', ') || 'none'}; edited: ${s.edited.join(', ') || 'none'}); run pnpm db:migrate --env ${db.env.name} first, so the baseline equals the history`,
            );
          }
          const schemaSql = await dumpSchema({ env: db.env, url: db.url, registry, via: await dumpVia(db) });
          const r = await writeBaseline({
            schemaSql,
            name: flags.name!,
            fromEnv: db.env.name,
            dir,
            archiveDir: flags['archive-dir'],
          });
          if (flags.json) return printJson(r);
          info(`${c.ok('baseline written')}: ${r.folder}/migration.sql`);
          info(`archived ${r.archived.length} folders to ${r.archiveDir}`);
          info(`next: pnpm db:stamp --env <each existing env> --to ${r.name}`);
        },
        { registry },
      );
    },
  }),
);
