#!/usr/bin/env tsx
// pnpm db:psql — open psql on an environment's database, holding its embedded server while psql runs.
import { spawn } from 'node:child_process';
import { CliError, defineCommand, envFlag, runCommand } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:psql',
    summary: "open psql on an environment's database (starts and keeps the embedded server for local envs)",
    description:
      'psql connects to what the toolkit read from the URL and the PG* variables (host, port, database and user\n' +
      'given explicitly; -h/-p/-U/-d among the arguments do not change it). The password goes to psql through\n' +
      'PGPASSWORD, never on its command line. Arguments after -- go to psql.\n' +
      'An embedded server this command started is stopped when psql exits (or when this command is stopped).',
    flags: { env: envFlag },
    positionals: { usage: '[-- PSQL ARGS…]', description: 'passed to psql, e.g. -c "select 1"' },
    examples: ['pnpm db:psql', 'pnpm db:psql --env local_demo -- -c "select count(*) from mart.mv_receive_daily"'],
    async run({ flags, positionals }) {
      const { onParentGone } = await import('@warehouse/env');
      const { withEnv } = await import('../src/env.ts');
      const { pgConn } = await import('../src/ops/tools.ts');
      return withEnv(flags.env, async (db) => {
        if (positionals.includes('--'))
          throw new CliError(
            'E_USAGE',
            'a second -- in the psql arguments would turn the connection into plain arguments; remove it',
          );
        const { conn, env } = pgConn(db.url);
        return new Promise<number>((resolve, reject) => {
          // The descriptor's conninfo comes last: psql takes the last --dbname, and its host, port, database
          // and user override any -h/-p/-U given before, so psql reaches the database the toolkit read.
          const child = spawn('psql', [...positionals, '--dbname', conn], { stdio: 'inherit', env });
          // Ctrl+C belongs to psql (it cancels the query); SIGTERM and a vanished parent end it.
          const ignore = () => {};
          const stop = () => child.kill('SIGTERM');
          process.on('SIGINT', ignore);
          process.on('SIGTERM', stop);
          const unwatch = onParentGone(stop);
          const done = () => {
            process.off('SIGINT', ignore);
            process.off('SIGTERM', stop);
            unwatch();
          };
          child.on('error', (error: Error & { code?: string }) => {
            done();
            reject(
              error.code === 'ENOENT'
                ? new CliError(
                    'E_TOOL_MISSING',
                    'psql is not installed (or not on PATH); install the PostgreSQL 15 client tools: apt-get install postgresql-client-15',
                  )
                : error,
            );
          });
          child.on('exit', (code, signal) => {
            done();
            resolve(code ?? (signal ? 1 : 0));
          });
        });
      });
    },
  }),
);
