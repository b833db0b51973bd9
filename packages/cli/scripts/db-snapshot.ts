#!/usr/bin/env tsx
// pnpm db:snapshot — migrate a scratch database from empty and write its schema to schema_head.sql,
// and the same split per schema and object kind (schema_head/) for review.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT, c, defineCommand, info, jsonFlag, printJson, runCommand } from '../src/index.ts';
import { SNAPSHOT_FILE } from '../src/paths.ts';
import { compareSplit, splitDirOf, splitSnapshot, SPLIT_DIR, writeSplit } from '../src/ops/snapshot-split.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:snapshot',
    summary: 'write the schema at head (a scratch database migrated from empty) to packages/db/sql/schema_head.sql',
    description:
      'Starts a throw-away embedded PostgreSQL (or uses --admin-url), runs every migration on an empty\n' +
      'database, dumps the schema normalised (as pnpm db:dump). --check compares instead of writing and exits 1\n' +
      'when the committed file is stale (CI runs it). New envs are built from this file: pnpm db:init-from-snapshot.\n' +
      'It also writes the same schema split per schema and object kind (schemas, types, tables, sequences,\n' +
      'constraints, views, materialized_views, indexes, functions, triggers, comments, grants) into --split DIR\n' +
      '(<schema>/<kind>.sql, schemas.sql, _preamble.sql), so a review shows what kind of object changed;\n' +
      '--check compares both forms. The single file stays the one db:init-from-snapshot applies.',
    flags: {
      check: { type: 'boolean', description: 'do not write; exit 1 with a diff when the file is stale' },
      out: {
        type: 'string',
        placeholder: 'FILE',
        description: `the snapshot file (default ${path.relative(process.cwd(), SNAPSHOT_FILE)})`,
      },
      split: {
        type: 'string',
        placeholder: 'DIR',
        description: `the split form's folder (default: the snapshot file's name without .sql, ${path.relative(process.cwd(), SPLIT_DIR)})`,
      },
      'admin-url': {
        type: 'string',
        placeholder: 'URL',
        description: 'a server to create the scratch database on (default: a throw-away embedded server)',
      },
      json: jsonFlag,
    },
    examples: [
      'pnpm db:snapshot',
      'pnpm db:snapshot --check',
      'pnpm db:snapshot --split /tmp/schema_head --out /tmp/schema_head.sql',
    ],
    async run({ flags }) {
      const { snapshotSchema } = await import('../src/ops/baseline.ts');
      const { unifiedDiff } = await import('../src/ops/dump.ts');
      const file = path.resolve(flags.out ?? SNAPSHOT_FILE);
      const splitDir = path.resolve(flags.split ?? (flags.out ? splitDirOf(file) : SPLIT_DIR));
      const sql = await snapshotSchema({ adminUrl: flags['admin-url'], log: (m) => info(c.dim(m)) });
      const split = splitSnapshot(sql);
      const current = existsSync(file) ? await readFile(file, 'utf8') : '';
      const stale = current !== sql;
      if (flags.check) {
        const parts = await compareSplit(splitDir, split);
        const splitStale = parts.missing.length + parts.extra.length + parts.changed.length > 0;
        if (flags.json) printJson({ file, stale, splitDir, split: parts });
        if (!stale && !splitStale) {
          info(c.ok(`${file} and ${splitDir}/ are up to date`));
          return EXIT.ok;
        }
        if (stale) {
          const d = await unifiedDiff(
            current,
            sql,
            `${path.basename(file)} (committed)`,
            `${path.basename(file)} (migrations at head)`,
          );
          if (!flags.json) process.stdout.write(d.diff);
          info(c.err(`${file} is stale${current ? '' : ' (missing)'}: run \`pnpm db:snapshot\` and commit it`));
        }
        for (const f of parts.changed) {
          const d = await unifiedDiff(
            await readFile(path.join(splitDir, f), 'utf8'),
            split.get(f)!,
            `${f} (committed)`,
            `${f} (migrations at head)`,
          );
          if (!flags.json) process.stdout.write(d.diff);
        }
        if (splitStale) {
          const what = [
            ...parts.changed.map((f) => `${f} differs`),
            ...parts.missing.map((f) => `${f} is missing`),
            ...parts.extra.map((f) => `${f} is not produced by the snapshot`),
          ];
          info(c.err(`${splitDir}/ is stale (${what.join('; ')}): run \`pnpm db:snapshot\` and commit it`));
        }
        return EXIT.failure;
      }
      await mkdir(path.dirname(file), { recursive: true });
      if (stale) await writeFile(file, sql);
      const done = await writeSplit(splitDir, split);
      const touched = done.missing.length + done.changed.length + done.extra.length;
      if (flags.json) printJson({ file, changed: stale, lines: sql.split('\n').length - 1, splitDir, split: done });
      else {
        info(`${stale ? c.ok('written') : 'unchanged'}: ${file} (${sql.split('\n').length - 1} lines)`);
        info(
          `${touched ? c.ok('written') : 'unchanged'}: ${splitDir}/ (${split.size} files${touched ? `; ${done.changed.length} changed, ${done.missing.length} added, ${done.extra.length} removed` : ''})`,
        );
      }
    },
  }),
);
