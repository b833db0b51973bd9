#!/usr/bin/env tsx
// pnpm upload:confirm --id N — let a held upload land after all.
import {
  asFlag,
  CliError,
  defineCommand,
  envFlag,
  guardFlags,
  info,
  jsonFlag,
  parseUploadId,
  runCommand,
  uploadIdFlag,
} from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm upload:confirm',
    summary: 'let a held upload land: it goes back to pending and the worker lands it (never held again)',
    description:
      'An upload is held when it would keep fewer than INGEST_SHRINK_GUARD_PERCENT (50) % of the rows it supersedes\n' +
      '(GET /uploads/:id shows heldReason). Confirming queues it again; the worker then lands it as usual and it\n' +
      'can still be reverted. The same as POST /uploads/:id/confirm. Exit 1 when the upload is not held. Guarded\n' +
      'on remote and protected envs (a protected env is backed up first). INGEST_MAX_ATTEMPTS (5) sets the job attempts.\n' +
      'Written to the audit log as upload.confirmed, in the same transaction (who: --as NAME, else your OS user).',
    flags: { id: uploadIdFlag, as: asFlag, env: envFlag, json: jsonFlag, ...guardFlags },
    examples: ['pnpm upload:confirm --id 42', 'pnpm upload:confirm --id 42 --env vm_stg --yes'],
    async run({ flags }) {
      const id = parseUploadId(flags.id);
      const maxAttempts = Number(process.env.INGEST_MAX_ATTEMPTS || 5);
      if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
        throw new CliError(
          'E_USAGE',
          `INGEST_MAX_ATTEMPTS=${JSON.stringify(process.env.INGEST_MAX_ATTEMPTS)} is not an integer ≥ 1`,
        );
      const { writeAudit } = await import('@warehouse/db/accounts');
      const { confirmUpload } = await import('@warehouse/db/uploads');
      const { runUploadOperation } = await import('../src/uploads.ts');
      const { cliActor } = await import('../src/users.ts');
      return runUploadOperation({
        flags,
        action: `confirm held upload ${id}`,
        applicationName: 'warehouse-upload-confirm',
        operation: (client) =>
          confirmUpload(client, id, {
            maxAttempts,
            onDone: (c) =>
              writeAudit(c, {
                actor: cliActor(flags.as),
                action: 'upload.confirmed',
                objectType: 'upload',
                objectId: id,
              }),
          }),
        alertUploadId: id,
        report: (r) =>
          info(`upload ${r.id} confirmed: pending again; a running worker lands it (pnpm worker, or pnpm start)`),
      });
    },
  }),
);
