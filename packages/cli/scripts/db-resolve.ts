#!/usr/bin/env tsx
// pnpm db:resolve --rolled-back NAME | --applied NAME — clear a failed migration (like `prisma migrate resolve`).
import {
  defineCommand,
  envFlag,
  runCommand,
  info,
  c,
  CliError,
  dirFlag,
  guardFlags,
  intFlag,
  lockTimeoutFlag,
} from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:resolve',
    summary: 'mark a failed migration rolled back (to retry it) or applied (completed by hand)',
    description:
      'After a failed migration, `pnpm db:migrate` refuses to run until it is resolved. Undo what it left behind (if it ran\n' +
      'with -- migrate:no-transaction), then --rolled-back NAME so the next migrate retries it; or finish it by hand and\n' +
      '--applied NAME. A view migration whose new versions were not filled and swapped in (expand/fill/swap) is\n' +
      'abandoned by --rolled-back NAME: its new versions are dropped, the old ones keep serving (--applied is refused for it:\n' +
      '`pnpm db:migrate` finishes it). Writes the same rows as `prisma migrate resolve`. It changes the recorded history, so it goes\n' +
      'through the guard like db:stamp: vm_stg counts down (--yes skips); a protected target needs --force and --confirm.',
    flags: {
      env: envFlag,
      'rolled-back': { type: 'string', placeholder: 'NAME', description: 'mark the failed migration NAME rolled back' },
      applied: { type: 'string', placeholder: 'NAME', description: 'mark migration NAME applied without running it' },
      dir: dirFlag,
      'lock-timeout': lockTimeoutFlag,
      ...guardFlags,
    },
    examples: ['pnpm db:resolve --rolled-back 20251211120000_create_mv_receive_daily'],
    async run({ flags }) {
      const rolledBack = flags['rolled-back'];
      if ((rolledBack === undefined) === (flags.applied === undefined)) {
        throw new CliError(
          'E_USAGE',
          'pass exactly one of --rolled-back NAME or --applied NAME (see `pnpm db:status` for the failed migration)',
        );
      }
      const lockTimeoutMs = intFlag('lock-timeout', flags['lock-timeout'], 0);
      const what = rolledBack !== undefined ? `--rolled-back ${rolledBack}` : `--applied ${flags.applied}`;
      const { resolve } = await import('@warehouse/migrate');
      const { withGuardedEnv } = await import('../src/destructive.ts');
      await withGuardedEnv(flags, `resolve ${what}`, async (db) => {
        const r =
          rolledBack !== undefined
            ? await resolve({ url: db.url, dir: flags.dir, lockTimeoutMs, rolledBack })
            : await resolve({ url: db.url, dir: flags.dir, lockTimeoutMs, applied: flags.applied! });
        info(`${c.ok(r.action === 'rolled-back' ? 'marked rolled back' : 'marked applied')} ${r.name}`);
        if (r.action === 'rolled-back')
          info(c.dim('`pnpm db:migrate` will run it again (new versions of views/MVs it had created are dropped)'));
      });
    },
  }),
);
