// db:snapshot's split form: schema_head.sql per schema and object kind (for review), written beside
// the single file (which db:init-from-snapshot applies) and checked with it by --check.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { SNAPSHOT_FILE } from '../src/ops/baseline.ts';
import { compareSplit, dumpEntries, SPLIT_DIR, splitSnapshot } from '../src/ops/snapshot-split.ts';
import { runScript } from './run-script.ts';

const head = readFileSync(SNAPSHOT_FILE, 'utf8');

/** Statements of the single file that start with `prefix`, by their object (read with a plain regex). */
function creates(sql: string, what: RegExp): string[] {
  return [...sql.matchAll(what)].map((m) => m[1]!).sort();
}

describe('the split form of schema_head.sql', () => {
  it('puts every entry of the dump in one file of its schema and kind, losing nothing', () => {
    const split = splitSnapshot(head);
    const all = [...split.values()].join('');
    const banners = [...split.keys()].length * 3;
    expect(all.split('\n').length - 1).toBe(head.split('\n').length - 1 + banners);
    for (const e of dumpEntries(head).entries) {
      const holders = [...split.entries()].filter(([, text]) => text.includes(e.text)).map(([f]) => f);
      expect(holders, `${e.type} ${e.name}`).toHaveLength(1);
    }
    // Each kind of statement sits in its kind's file, read from the single file independently.
    const fileOf = (needle: string) => [...split.entries()].filter(([, t]) => t.includes(needle)).map(([f]) => f);
    for (const mv of creates(head, /^CREATE MATERIALIZED VIEW (\S+) AS/gm)) {
      expect(fileOf(`CREATE MATERIALIZED VIEW ${mv} AS`)).toEqual([`${mv.split('.')[0]}/materialized_views.sql`]);
    }
    for (const v of creates(head, /^CREATE VIEW (\S+) AS/gm)) {
      expect(fileOf(`CREATE VIEW ${v} AS`)).toEqual([`${v.split('.')[0]}/views.sql`]);
    }
    for (const t of creates(head, /^CREATE TABLE (\S+) \(/gm)) {
      expect(fileOf(`CREATE TABLE ${t} (`)).toEqual([`${t.split('.')[0]}/tables.sql`]);
    }
    for (const i of creates(head, /^CREATE (?:UNIQUE )?INDEX (\S+) ON (\S+)/gm)) {
      const holder = fileOf(` INDEX ${i} ON `);
      expect(holder).toHaveLength(1);
      expect(holder[0]).toMatch(/^\w+\/indexes\.sql$/);
    }
    expect(
      creates(head, /^CREATE SCHEMA (\w+);/gm).every((s) => split.get('schemas.sql')!.includes(`CREATE SCHEMA ${s};`)),
    ).toBe(true);
    expect(split.get('ref/views.sql')).toContain('CREATE VIEW ref.v_calendar_classified AS');
    expect(split.get('ref/comments.sql')).toContain('COMMENT ON VIEW ref.v_calendar_classified IS');
    expect(split.get('_preamble.sql')).toContain("SELECT pg_catalog.set_config('search_path', '', false);");
  });

  it('the committed packages/db/sql/schema_head/ is the split form of the committed schema_head.sql', async () => {
    expect(await compareSplit(SPLIT_DIR, splitSnapshot(head))).toEqual({ missing: [], extra: [], changed: [] });
  });
});

describe('pnpm db:snapshot --split DIR', { timeout: 300_000 }, () => {
  it('writes both forms; --check fails naming a changed, a missing and an extra split file; a run repairs them', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'split-'));
    const file = path.join(tmp, 'schema_head.sql');
    const dir = path.join(tmp, 'schema_head');
    const args = ['--out', file, '--split', dir, '--admin-url', inject('pgAdminUrl')];
    const first = await runScript('db-snapshot', args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/written: .*schema_head\/ \(\d+ files; 0 changed, \d+ added, 0 removed\)/);
    // The scratch database at head dumps as the committed single file; the folder is its split form.
    expect(readFileSync(file, 'utf8')).toBe(head);
    expect(await compareSplit(dir, splitSnapshot(head))).toEqual({ missing: [], extra: [], changed: [] });

    const clean = await runScript('db-snapshot', [...args, '--check']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).toContain('are up to date');

    appendFileSync(path.join(dir, 'mart', 'views.sql'), '-- edited by hand\n');
    rmSync(path.join(dir, 'ref', 'comments.sql'));
    writeFileSync(path.join(dir, 'mart', 'old_kind.sql'), 'select 1;\n');
    const stale = await runScript('db-snapshot', [...args, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(
      'schema_head/ is stale (mart/views.sql differs; ref/comments.sql is missing; mart/old_kind.sql is not produced by the snapshot)',
    );
    expect(stale.stdout).toContain('-- edited by hand');
    expect(stale.stderr).not.toContain('schema_head.sql is stale');

    const repaired = await runScript('db-snapshot', args);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stderr).toMatch(/unchanged: .*schema_head\.sql/);
    expect(repaired.stderr).toMatch(/1 changed, 1 added, 1 removed/);
    expect(await compareSplit(dir, splitSnapshot(head))).toEqual({ missing: [], extra: [], changed: [] });

    // A stale single file with a current folder is named too.
    appendFileSync(file, '-- drift\n');
    const single = await runScript('db-snapshot', [...args, '--check']);
    expect(single.code).toBe(1);
    expect(single.stderr).toContain('schema_head.sql is stale');
    expect(single.stderr).not.toContain('schema_head/ is stale');
  });
});
