import type { FlagSpec } from '@warehouse/command';
import { CliError } from '@warehouse/command';

/** --id N of the upload commands. */
export const uploadIdFlag = {
  type: 'string',
  placeholder: 'N',
  description: 'the upload id (from POST /upload/csv or GET /uploads)',
} as const satisfies FlagSpec;

export function parseUploadId(raw: string | undefined): number {
  if (raw === undefined) throw new CliError('E_USAGE', 'say which upload: --id N (GET /uploads lists them)');
  if (!/^\d{1,15}$/.test(raw))
    throw new CliError('E_USAGE', `--id ${JSON.stringify(raw)} is not an upload id (a whole number)`);
  return Number(raw);
}
