#!/usr/bin/env tsx
// pnpm db:lint — check migration files for statements that are unsafe on a busy production database.
import path from 'node:path';
// Loaded before argv is parsed, unlike every other script's work: the help lists RULES, and the
// rules come with the linter and the SQL parser it imports (test/script-imports.test.ts allows it).
import { lintDir, RULES } from '@warehouse/migrate/lint';
import { c, defineCommand, dirFlag, EXIT, info, jsonFlag, printJson, runCommand } from '../src/index.ts';

const ruleList = Object.entries(RULES)
  .map(([id, r]) => `  ${r.severity === 'error' ? 'error  ' : 'warning'}  ${id}`)
  .join('\n');

await runCommand(
  defineCommand({
    name: 'pnpm db:lint',
    summary: "lint the migrations with PostgreSQL's own parser (CI runs this)",
    description:
      "Reads every <timestamp>_<name>/migration.sql, parses it with PostgreSQL's grammar (text in strings, comments\n" +
      'and $$ bodies never counts) and reports each finding with file, line, rule, why and fix.\n' +
      'Exit 1 when there is an error, 0 with warnings only. No database needed.\n\n' +
      'Silence a rule for one statement with a comment directly above it (or at the end of its line) giving a reason:\n' +
      '  -- lint:ignore index-without-concurrently: the table is created empty in the previous migration\n\n' +
      `Rules:\n${ruleList}`,
    flags: {
      dir: dirFlag,
      json: jsonFlag,
    },
    examples: ['pnpm db:lint', 'pnpm db:lint --json', 'pnpm db:lint --dir path/to/migrations'],
    async run({ flags }) {
      const result = await lintDir(flags.dir ? path.resolve(flags.dir) : undefined);
      if (flags.json) printJson(result);
      else {
        const out: string[] = [];
        for (const f of result.findings) {
          const tag = f.severity === 'error' ? c.err('error  ') : c.warn('warning');
          out.push(
            `${f.file}:${f.line}  ${tag}  ${c.bold(f.rule)}  ${f.message}`,
            `    ${c.dim('why:')} ${f.why}`,
            `    ${c.dim('fix:')} ${f.fix}`,
          );
        }
        if (out.length) process.stdout.write(`${out.join('\n')}\n`);
        const summary = `${result.files} migration${result.files === 1 ? '' : 's'}: ${result.errors} error${result.errors === 1 ? '' : 's'}, ${result.warnings} warning${result.warnings === 1 ? '' : 's'}`;
        info(result.errors ? c.err(summary) : result.warnings ? c.warn(summary) : c.ok(summary));
      }
      return result.errors > 0 ? EXIT.failure : EXIT.ok;
    },
  }),
);
