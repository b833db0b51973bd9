#!/usr/bin/env tsx
// pnpm db:snapshot — migrate a scratch database from empty and write its schema to schema_head.sql.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT, c, defineCommand, info, jsonFlag, printJson, runCommand } from '../src/index.ts';
import { SNAPSHOT_FILE, snapshotSchema } from '../src/ops/baseline.ts';
import { unifiedDiff } from '../src/ops/dump.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:snapshot',
    summary: 'write the schema at head (a scratch database migrated from empty) to packages/db/sql/schema_head.sql',
    description:
      'Starts a throw-away embedded PostgreSQL (or uses --admin-url), runs every migration on an empty\n' +
      'database, dumps the schema normalised (as pnpm db:dump). --check compares instead of writing and exits 1\n' +
      'when the committed file is stale (CI runs it). New envs are built from this file: pnpm db:init-from-snapshot.',
    flags: {
      check: { type: 'boolean', description: 'do not write; exit 1 with a diff when the file is stale' },
      out: {
        type: 'string',
        placeholder: 'FILE',
        description: `the snapshot file (default ${path.relative(process.cwd(), SNAPSHOT_FILE)})`,
      },
      'admin-url': {
        type: 'string',
        placeholder: 'URL',
        description: 'a server to create the scratch database on (default: a throw-away embedded server)',
      },
      json: jsonFlag,
    },
    examples: ['pnpm db:snapshot', 'pnpm db:snapshot --check'],
    async run({ flags }) {
      const file = path.resolve(flags.out ?? SNAPSHOT_FILE);
      const sql = await snapshotSchema({ adminUrl: flags['admin-url'], log: (m) => info(c.dim(m)) });
      const current = existsSync(file) ? await readFile(file, 'utf8') : '';
      const stale = current !== sql;
      if (flags.check) {
        if (flags.json) printJson({ file, stale });
        if (!stale) {
          info(c.ok(`${file} is up to date`));
          return EXIT.ok;
        }
        const d = await unifiedDiff(
          current,
          sql,
          `${path.basename(file)} (committed)`,
          `${path.basename(file)} (migrations at head)`,
        );
        if (!flags.json) process.stdout.write(d.diff);
        info(c.err(`${file} is stale${current ? '' : ' (missing)'}: run \`pnpm db:snapshot\` and commit it`));
        return EXIT.failure;
      }
      await mkdir(path.dirname(file), { recursive: true });
      if (stale) await writeFile(file, sql);
      if (flags.json) printJson({ file, changed: stale, lines: sql.split('\n').length - 1 });
      else info(`${stale ? c.ok('written') : 'unchanged'}: ${file} (${sql.split('\n').length - 1} lines)`);
    },
  }),
);
