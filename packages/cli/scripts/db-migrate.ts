#!/usr/bin/env tsx
// pnpm db:migrate — apply pending migrations (Prisma-compatible _prisma_migrations), or print the plan.
import type { PlanResult } from '@warehouse/migrate';
import {
  defineCommand,
  envFlag,
  jsonFlag,
  runCommand,
  info,
  c,
  printJson,
  EXIT,
  ms,
  dirFlag,
  intFlag,
  lockTimeoutFlag,
} from '../src/index.ts';

function printPlan(p: PlanResult, env: string): void {
  const out: string[] = [];
  out.push(
    `${c.bold(`plan ${p.hash}`)}: ${p.migrations.length} migration${p.migrations.length === 1 ? '' : 's'} to apply ` +
      c.dim(
        `(lock_timeout ${ms(p.ddlLockTimeoutMs)} per statement, ${p.ddlLockRetries} retries, at most ${ms(p.retryBudgetMs)} waiting for locks per migration)`,
      ),
  );
  for (const m of p.migrations) {
    out.push(
      '',
      `${c.bold(m.name)} ${c.dim(m.transactional ? '(one transaction)' : '(no-transaction: statement by statement)')}${m.ddlLockTimeoutMs !== p.ddlLockTimeoutMs ? c.dim(` lock_timeout ${ms(m.ddlLockTimeoutMs)}`) : ''}`,
    );
    if (m.recreates.length)
      out.push(
        `  ${c.warn('recreates')} ${m.recreates.join(', ')} ${c.dim('(dropped and created again: readers see them missing until it commits)')}`,
      );
    for (const s of m.statements) {
      out.push(`  ${c.dim(`line ${s.line}`)}  ${s.text}`);
      for (const l of s.locks) out.push(`      ${c.warn(l.mode)} on ${l.relation} ${c.dim(`— blocks ${l.blocks}`)}`);
    }
    for (const f of m.findings)
      out.push(
        `  ${f.severity === 'error' ? c.err('lint error') : c.warn('lint warning')} line ${f.line} ${f.rule}: ${f.message} ${c.dim(`— ${f.fix}`)}`,
      );
  }
  if (p.fills.length) {
    out.push(
      '',
      c.bold('filled before the swap') +
        c.dim(' (new versions beside the old ones; readers keep the old until the swap)'),
    );
    for (const f of p.fills)
      out.push(
        `  ${f.migration}: ${f.relation} ${c.dim(f.rows == null ? '(rows unknown)' : f.source === 'filled' ? `(${f.rows.toLocaleString('en-US')} rows, already filled)` : `(≈ ${f.rows.toLocaleString('en-US')} rows, ${f.source === 'reltuples' ? 'as many as the version serving now' : "the planner's estimate"})`)}`,
      );
  }
  if (p.later.length) out.push('', c.dim(`left for later: ${p.later.join(', ')}`));
  for (const w of p.warnings) out.push(`${c.warn('warning')} ${w}`);
  out.push(
    '',
    `nothing was applied. Apply exactly this plan: pnpm db:migrate${env === 'local_dev' ? '' : ` --env ${env}`} --plan-hash ${p.hash}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

await runCommand(
  defineCommand({
    name: 'pnpm db:migrate',
    summary: 'apply pending migrations from packages/db/prisma/migrations (or --plan them)',
    description:
      'Each migration.sql runs in one transaction together with its _prisma_migrations row (as `prisma migrate deploy`\n' +
      "records it), under Prisma's advisory lock. A failed migration is rolled back, recorded, and blocks later runs until\n" +
      '`pnpm db:resolve --rolled-back NAME`. An applied migration whose file changed is refused unless --allow-edited.\n' +
      'A file with transaction control (COMMIT, BEGIN, ROLLBACK, SAVEPOINT…) or SQL PostgreSQL cannot parse is refused\n' +
      'before anything runs.\n\n' +
      "Every statement runs with PostgreSQL's lock_timeout (--ddl-lock-timeout, default 5s; a file header\n" +
      '`-- migrate:ddl-lock-timeout 30s` overrides it). A migration whose lock is not granted in time is rolled back and\n' +
      'retried with backoff (1s, 2s, 4s), then fails naming the blocking session, its query and how long it has held on.\n\n' +
      "--plan prints, without applying anything, each migration's statements, the lock each takes on which relation,\n" +
      "lint findings and the plan's hash; --plan-hash H applies only if the plan is still that one.\n\n" +
      'A generated view migration (expand/fill/swap) only creates the new versions of the changed views/MVs/\n' +
      'incremental tables, empty, beside the old ones; the runner then fills them (progress per object) and swaps them in\n' +
      'one short transaction bounded by the same lock_timeout and retries. A failed fill leaves the old versions serving\n' +
      'and the migration unfinished: run again to finish it, or `pnpm db:resolve --rolled-back NAME` to abandon it.\n' +
      '--plan lists what will be filled, with an estimate of rows. The longest lock held is reported.\n\n' +
      'Afterwards every materialized view left unpopulated (created WITH NO DATA, see `populate: after migrate`\n' +
      'in the view catalog) is refreshed in graph order through the refresher, unless --no-populate.',
    flags: {
      env: envFlag,
      dir: dirFlag,
      plan: {
        type: 'boolean',
        description: 'print the plan (statements, locks, lint findings, hash) and apply nothing',
      },
      'dry-run': { type: 'boolean', description: 'same as --plan' },
      'plan-hash': {
        type: 'string',
        placeholder: 'HASH',
        description: 'apply only if the plan still has this hash (from --plan)',
      },
      to: { type: 'string', placeholder: 'NAME', description: 'apply pending migrations up to and including NAME' },
      steps: { type: 'string', placeholder: 'N', description: 'apply at most N pending migrations' },
      'ddl-lock-timeout': {
        type: 'string',
        placeholder: 'DURATION',
        default: '5s',
        description: 'PostgreSQL lock_timeout for each migration statement (0 = wait forever)',
      },
      'ddl-lock-retries': {
        type: 'string',
        placeholder: 'N',
        default: '3',
        description: 'retries of a migration whose lock timed out (backoff 1s, 2s, 4s…)',
      },
      'statement-timeout': {
        type: 'string',
        placeholder: 'DURATION',
        description: "PostgreSQL statement_timeout for each migration statement (default: the server's)",
      },
      'lock-timeout': lockTimeoutFlag,
      'allow-edited': { type: 'boolean', description: 'apply even when an applied migration.sql changed since' },
      'no-populate': { type: 'boolean', description: 'do not refresh the MVs the migrations left unpopulated' },
      json: jsonFlag,
    },
    examples: [
      'pnpm db:migrate',
      'pnpm db:migrate --env vm_prod --plan',
      'pnpm db:migrate --env vm_prod --plan-hash 3f2a9c0d1e2b4a5f',
      'pnpm db:migrate --env vm_stg --steps 1',
      'pnpm db:migrate --to 20251211120000_create_mv_receive_daily',
      'pnpm db:migrate --json',
    ],
    async run({ flags }) {
      const lockTimeoutMs = intFlag('lock-timeout', flags['lock-timeout'], 0);
      const { migrate, plan } = await import('@warehouse/migrate');
      const { withEnv } = await import('../src/env.ts');
      const { withWritingEnv } = await import('../src/destructive.ts');
      const { durationFlag, logMigratorEvent } = await import('../src/migrations.ts');
      const { ensureProtectionMarker } = await import('../src/ops/protect.ts');
      const { populateAfterMigrate } = await import('../src/populate.ts');
      const options = {
        dir: flags.dir,
        to: flags.to,
        steps: flags.steps === undefined ? undefined : intFlag('steps', flags.steps, 1),
        ddlLockTimeoutMs: durationFlag('ddl-lock-timeout', flags['ddl-lock-timeout']),
        ddlLockRetries: intFlag('ddl-lock-retries', flags['ddl-lock-retries'], 0),
        statementTimeoutMs: durationFlag('statement-timeout', flags['statement-timeout']),
        lockTimeoutMs,
      };
      if (flags.plan || flags['dry-run']) {
        return withEnv(flags.env, async (db) => {
          const p = await plan({ url: db.url, ...options });
          if (flags.json) printJson(p);
          else printPlan(p, flags.env);
          return EXIT.ok;
        });
      }
      return withWritingEnv(flags.env, 'migrate', async (db) => {
        const result = await migrate({
          url: db.url,
          ...options,
          planHash: flags['plan-hash'],
          allowEdited: flags['allow-edited'],
          log: logMigratorEvent,
        });
        if (flags.json) {
          printJson({
            ...result,
            failed: result.failed && { name: result.failed.name, error: result.failed.error.message },
          });
        }
        if (result.failed) {
          info(
            `${c.err('error')} ${(result.failed.error as { code?: string }).code ?? 'E_MIGRATION_FAILED'}: ${result.failed.error.message}`,
          );
          info(`${result.applied.length} applied, ${result.pending.length} pending (${result.pending.join(', ')})`);
          return EXIT.failure;
        }
        // A protected env (vm_prod) carries its marker in the database from its first migration on.
        const marked = await ensureProtectionMarker(db.env, db.url);
        if (marked) info(c.ok(marked));
        if (result.longestLock)
          info(
            c.dim(
              `longest lock held: ${ms(result.longestLock.ms)} (${result.longestLock.what === 'swap' ? 'swap of ' : ''}${result.longestLock.name})`,
            ),
          );
        const total = result.skipped.length + result.applied.length;
        const left = result.pending.length
          ? c.warn(`; ${result.pending.length} still pending (\`pnpm db:status\`)`)
          : '; at head';
        info(
          result.applied.length === 0
            ? result.pending.length
              ? c.warn(`nothing applied (${total} applied, ${result.pending.length} pending)`)
              : c.ok(`already at head (${total} migrations applied)`)
            : `${c.ok(`${result.applied.length} migration${result.applied.length > 1 ? 's' : ''} applied`)}${left} (${total} applied)`,
        );
        if (!flags['no-populate'] && !(await populateAfterMigrate(db.url, 'migrate'))) return EXIT.failure;
        return EXIT.ok;
      });
    },
  }),
);
