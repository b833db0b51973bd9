#!/usr/bin/env tsx
// pnpm upload:revert --id N — undo a successful upload (withdraw its rows, restore what it superseded).
import pg from 'pg';
import { getEnvironment, loadRegistry } from '@warehouse/db';
import { revertUpload, UploadOpError } from '@warehouse/db/uploads';
import { enqueueRefresh } from '@warehouse/refresher';
import {
  CliError,
  defineCommand,
  envFlag,
  EXIT,
  info,
  jsonFlag,
  printJson,
  runCommand,
  withEnv,
} from '../src/index.ts';
import { guardFlags, guardForCommand } from '../src/destructive.ts';
import { parseUploadId, uploadIdFlag } from '../src/uploads.ts';

await runCommand(
  defineCommand({
    name: 'pnpm upload:revert',
    summary: 'undo a successful upload: withdraw its rows and bring back exactly the rows it superseded',
    description:
      'One transaction: the rows the upload added leave stg, the rows it superseded come back from the history table,\n' +
      'the upload becomes `reverted` (its bytes may be uploaded again) and an MV refresh is queued (trigger revert:<id>;\n' +
      'the worker runs it). Refused (exit 1, nothing changed) while a later successful upload touches one of its dates:\n' +
      'the message names the upload to revert first. The same as POST /uploads/:id/revert. Guarded on remote and\n' +
      'protected envs (a protected env is backed up first).',
    flags: { id: uploadIdFlag, env: envFlag, json: jsonFlag, ...guardFlags },
    examples: ['pnpm upload:revert --id 42', 'pnpm upload:revert --id 42 --env vm_prod --force'],
    async run({ flags }) {
      const id = parseUploadId(flags.id);
      const registry = loadRegistry();
      const env = getEnvironment(flags.env, registry);
      return withEnv(
        env.name,
        async (db) => {
          await guardForCommand({ action: `revert upload ${id}`, env, url: db.url, registry, flags });
          const client = new pg.Client({ connectionString: db.url, application_name: 'warehouse-upload-revert' });
          client.on('error', () => {});
          await client.connect();
          try {
            const r = await revertUpload(client, id, { enqueueRefresh: (c, req) => enqueueRefresh(c, req) });
            if (flags.json) printJson(r);
            else
              info(
                `upload ${r.id} reverted: ${r.rowsWithdrawn} row(s) withdrawn, ${r.rowsRestored} row(s) restored; MV refresh queued (trigger revert:${r.id})`,
              );
            return EXIT.ok;
          } catch (error) {
            if (error instanceof UploadOpError) throw new CliError('E_FAILED', `${error.code}: ${error.message}`);
            throw error;
          } finally {
            await client.end().catch(() => {});
          }
        },
        { registry, quiet: flags.json },
      );
    },
  }),
);
