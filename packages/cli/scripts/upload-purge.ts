#!/usr/bin/env tsx
// pnpm upload:purge — delete the stored bytes of uploads that failed long enough ago.
import {
  asFlag,
  CliError,
  c,
  defineCommand,
  envFlag,
  guardFlags,
  info,
  jsonFlag,
  runCommand,
  table,
} from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm upload:purge',
    summary: "delete failed uploads' stored bytes after the retention period",
    description:
      'Deletes log.upload_blob (the original file) of every upload that failed more than AGE ago; its\n' +
      'log.upload_file row and its row errors (GET /uploads/:id/errors.csv) stay. Successful uploads are never\n' +
      'touched. AGE defaults to UPLOAD_FAILED_RETENTION_DAYS (30) days. Destructive: guarded on remote and protected\n' +
      'envs (a protected env is backed up first); --dry-run lists and deletes nothing (and needs no guard). Each\n' +
      'purged upload gets an upload.purged row in log.audit_event (who: --as NAME, else your OS user).',
    flags: {
      env: envFlag,
      'failed-older-than': {
        type: 'string',
        placeholder: 'AGE',
        description: 'e.g. 30d, 12h, 90m (default: UPLOAD_FAILED_RETENTION_DAYS days)',
      },
      'dry-run': { type: 'boolean', description: 'list what would be deleted; change nothing' },
      as: asFlag,
      json: jsonFlag,
      ...guardFlags,
    },
    examples: [
      'pnpm upload:purge --failed-older-than 30d --as yamada',
      'pnpm upload:purge --env vm_stg --failed-older-than 90d --dry-run --json',
    ],
    async run({ flags }) {
      const { parseAge, purgeFailedUploadBytes } = await import('@warehouse/db/uploads');
      const { failedRetentionDays, runUploadOperation } = await import('../src/uploads.ts');
      const { cliActor } = await import('../src/users.ts');
      const age = flags['failed-older-than'] ?? `${failedRetentionDays()}d`;
      let olderThanMs: number;
      try {
        olderThanMs = parseAge(age);
      } catch (error) {
        throw new CliError('E_USAGE', `--failed-older-than: ${(error as Error).message}`);
      }
      const dryRun = Boolean(flags['dry-run']);
      return runUploadOperation({
        flags,
        action: `upload:purge --failed-older-than ${age}`,
        guard: !dryRun,
        applicationName: 'warehouse-upload-purge',
        operation: (client) => purgeFailedUploadBytes(client, { olderThanMs, dryRun, actor: cliActor(flags.as) }),
        report: (r) => {
          if (r.uploads.length) {
            process.stdout.write(
              `${table(
                ['upload', 'file', 'failed at', 'bytes'],
                r.uploads.map((u) => [u.id, u.fileName, u.finishedAt.toISOString(), u.bytes]),
              )}\n`,
            );
          }
          info(
            `${dryRun ? c.warn('dry run: would delete') : 'deleted'} the bytes of ${r.uploads.length} failed upload(s) older than ${age} (${r.bytes} bytes)`,
          );
        },
      });
    },
  }),
);
