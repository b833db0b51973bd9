#!/usr/bin/env tsx
// pnpm db:status — compare the migrations folder with _prisma_migrations (like `prisma migrate status`).
import { defineCommand, envFlag, jsonFlag, runCommand, info, c, printJson, EXIT, dirFlag } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:status',
    summary: 'show applied, pending, failed, edited and missing migrations',
    description:
      'Read-only. Exits 0 when the database is at head, 1 when migrations are pending or failed (like `prisma migrate status`).',
    flags: { env: envFlag, dir: dirFlag, json: jsonFlag },
    examples: ['pnpm db:status', 'pnpm db:status --env vm_prod --json'],
    async run({ flags }) {
      const { status } = await import('@warehouse/migrate');
      const { withEnv } = await import('../src/env.ts');
      return withEnv(flags.env, async (db) => {
        const st = await status({ url: db.url, dir: flags.dir });
        if (flags.json) printJson(st);
        else {
          const out: string[] = [];
          out.push(`${st.applied.length} applied, ${st.pending.length} pending, ${st.failed.length} failed`);
          for (const f of st.failed)
            out.push(`${c.err('failed ')}  ${f.name}  ${c.dim((f.logs ?? '').split('\n')[0] ?? '')}`);
          for (const n of st.pending) out.push(`${c.warn('pending')}  ${n}`);
          for (const n of st.edited)
            out.push(`${c.warn('edited ')}  ${n} ${c.dim('(migration.sql changed since it was applied)')}`);
          for (const n of st.missing)
            out.push(`${c.warn('missing')}  ${n} ${c.dim('(applied, but not in the migrations folder)')}`);
          out.push(
            st.upToDate
              ? c.ok('database is at head')
              : st.failed.length
                ? c.err(`blocked: fix the database, then \`pnpm db:resolve --rolled-back ${st.failed[0]!.name}\``)
                : c.warn('run `pnpm db:migrate` to apply the pending migrations'),
          );
          process.stdout.write(`${out.join('\n')}\n`);
        }
        if (!st.tableExists) info(c.dim('(_prisma_migrations does not exist yet: nothing applied)'));
        return st.upToDate ? EXIT.ok : EXIT.failure;
      });
    },
  }),
);
