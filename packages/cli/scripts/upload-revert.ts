#!/usr/bin/env tsx
// pnpm upload:revert --id N — undo a successful upload (withdraw its rows, restore what it superseded).
import {
  asFlag,
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
    name: 'pnpm upload:revert',
    summary: 'undo a successful upload: withdraw its rows and bring back exactly the rows it superseded',
    description:
      'One transaction: the rows the upload added leave stg, the rows it superseded come back from the history table,\n' +
      'the upload becomes `reverted` (its bytes may be uploaded again) and an MV refresh is queued (trigger revert:<id>;\n' +
      'the worker runs it). Refused (exit 1, nothing changed) while a later successful upload touches one of its dates:\n' +
      'the message names the upload to revert first. The same as POST /uploads/:id/revert. Guarded on remote and\n' +
      'protected envs (a protected env is backed up first). Written to the audit log as upload.reverted, in the same\n' +
      'transaction (who: --as NAME, else your OS user).',
    flags: { id: uploadIdFlag, as: asFlag, env: envFlag, json: jsonFlag, ...guardFlags },
    examples: ['pnpm upload:revert --id 42', 'pnpm upload:revert --id 42 --env vm_prod --force'],
    async run({ flags }) {
      const id = parseUploadId(flags.id);
      const { writeAudit } = await import('@warehouse/db/accounts');
      const { revertUpload } = await import('@warehouse/db/uploads');
      const { runUploadOperation } = await import('../src/uploads.ts');
      const { cliActor } = await import('../src/users.ts');
      return runUploadOperation({
        flags,
        action: `revert upload ${id}`,
        applicationName: 'warehouse-upload-revert',
        // The refresher (with graphile-worker) is loaded only when a revert enqueues its refresh.
        operation: (client) =>
          revertUpload(client, id, {
            enqueueRefresh: async (c, req) => (await import('@warehouse/refresher')).enqueueRefresh(c, req),
            onDone: (c, r) =>
              writeAudit(c, {
                actor: cliActor(flags.as),
                action: 'upload.reverted',
                objectType: 'upload',
                objectId: id,
                after: r,
              }),
          }),
        alertUploadId: id,
        report: (r) =>
          info(
            `upload ${r.id} reverted: ${r.rowsWithdrawn} row(s) withdrawn, ${r.rowsRestored} row(s) restored; MV refresh queued (trigger revert:${r.id})`,
          ),
      });
    },
  }),
);
