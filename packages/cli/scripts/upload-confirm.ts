#!/usr/bin/env tsx
// pnpm upload:confirm --id N — let a held upload land after all.
import pg from 'pg';
import { getEnvironment, loadRegistry } from '@warehouse/db';
import { confirmUpload, UploadOpError } from '@warehouse/db/uploads';
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
    name: 'pnpm upload:confirm',
    summary: 'let a held upload land: it goes back to pending and the worker lands it (never held again)',
    description:
      'An upload is held when it would keep fewer than INGEST_SHRINK_GUARD_PERCENT (50) % of the rows it supersedes\n' +
      '(GET /uploads/:id shows heldReason). Confirming queues it again; the worker then lands it as usual and it\n' +
      'can still be reverted. The same as POST /uploads/:id/confirm. Exit 1 when the upload is not held. Guarded\n' +
      'on remote and protected envs (a protected env is backed up first). INGEST_MAX_ATTEMPTS (5) sets the job attempts.',
    flags: { id: uploadIdFlag, env: envFlag, json: jsonFlag, ...guardFlags },
    examples: ['pnpm upload:confirm --id 42', 'pnpm upload:confirm --id 42 --env vm_stg --yes'],
    async run({ flags }) {
      const id = parseUploadId(flags.id);
      const maxAttempts = Number(process.env.INGEST_MAX_ATTEMPTS || 5);
      if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
        throw new CliError(
          'E_USAGE',
          `INGEST_MAX_ATTEMPTS=${JSON.stringify(process.env.INGEST_MAX_ATTEMPTS)} is not an integer ≥ 1`,
        );
      const registry = loadRegistry();
      const env = getEnvironment(flags.env, registry);
      return withEnv(
        env.name,
        async (db) => {
          await guardForCommand({ action: `confirm held upload ${id}`, env, url: db.url, registry, flags });
          const client = new pg.Client({ connectionString: db.url, application_name: 'warehouse-upload-confirm' });
          client.on('error', () => {});
          await client.connect();
          try {
            const r = await confirmUpload(client, id, { maxAttempts });
            if (flags.json) printJson(r);
            else
              info(`upload ${r.id} confirmed: pending again; a running worker lands it (pnpm worker, or pnpm start)`);
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
