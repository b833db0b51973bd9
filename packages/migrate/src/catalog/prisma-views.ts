import type { DbObject, DbState } from './state.ts';

/** One field of a Prisma `view` block. */
export interface PrismaViewField {
  field: string;
  column: string;
  type: string;
  optional: boolean;
  unique: boolean;
}

export interface PrismaView {
  model: string;
  /** `schema.name` from @@schema / @@map. */
  name: string;
  fields: PrismaViewField[];
  /** Columns of @unique / @@unique (one criterion). */
  unique: string[];
}

/** The `view` blocks of a Prisma schema. */
export function parsePrismaViews(schemaText: string): PrismaView[] {
  const out: PrismaView[] = [];
  for (const m of schemaText.matchAll(/^view\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const body = m[2]!;
    const rel = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? m[1]!;
    const schema = /@@schema\("([^"]+)"\)/.exec(body)?.[1] ?? 'public';
    const fields: PrismaViewField[] = [];
    for (const line of body.split('\n')) {
      const f = /^\s*(\w+)\s+(\w+)(\?)?(?:\s+(.*))?$/.exec(line);
      if (!f || line.trim().startsWith('//') || line.trim().startsWith('@@')) continue;
      const attrs = f[4] ?? '';
      fields.push({
        field: f[1]!,
        column: /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? f[1]!,
        type: f[2]!,
        optional: !!f[3],
        unique: /@unique\b/.test(attrs) || /@id\b/.test(attrs),
      });
    }
    let unique = fields.filter((x) => x.unique).map((x) => x.column);
    const compound = /@@(?:unique|id)\(\[([^\]]+)\]/.exec(body);
    if (compound) {
      unique = compound[1]!
        .split(',')
        .map((s) => s.trim())
        .map((n) => fields.find((x) => x.field === n)?.column ?? n);
    }
    out.push({ model: m[1]!, name: `${schema}.${rel}`, fields, unique });
  }
  return out;
}

/** The Prisma scalar for a PostgreSQL type (format_type output). */
export function prismaScalar(pgType: string): string {
  const t = pgType.replace(/\(.*\)/, '').trim();
  if (t === 'date' || t.startsWith('timestamp') || t.startsWith('time')) return 'DateTime';
  if (t === 'integer' || t === 'smallint') return 'Int';
  if (t === 'bigint') return 'BigInt';
  if (t === 'numeric') return 'Decimal';
  if (t === 'double precision' || t === 'real') return 'Float';
  if (t === 'boolean') return 'Boolean';
  if (t === 'json' || t === 'jsonb') return 'Json';
  if (t === 'bytea') return 'Bytes';
  return 'String';
}

function camel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function uniqueColumns(o: DbObject): string[] {
  const u = o.indexes.find((i) => i.unique);
  const cols = u && /\(([^()]*)\)\s*$/.exec(u.def)?.[1];
  return cols ? cols.split(',').map((c) => c.trim().replace(/^"|"$/g, '')) : [];
}

/** A `view` block that matches the object (what to paste into schema.prisma). */
export function renderPrismaView(model: string, o: DbObject): string {
  const unique = uniqueColumns(o);
  const lines = o.columns.map((c) => {
    const inUnique = unique.includes(c.name);
    const attrs = [
      unique.length === 1 && inUnique ? '@unique' : '',
      camel(c.name) !== c.name ? `@map("${c.name}")` : '',
      prismaScalar(c.type) === 'DateTime' && c.type === 'date' ? '@db.Date' : '',
    ]
      .filter(Boolean)
      .join(' ');
    return `  ${camel(c.name)} ${prismaScalar(c.type)}${inUnique ? '' : '?'}${attrs ? ` ${attrs}` : ''}`;
  });
  if (unique.length > 1) lines.push('', `  @@unique([${unique.map(camel).join(', ')}])`);
  const [schema, rel] = o.name.split('.');
  lines.push('', `  @@map("${rel}")`, `  @@schema("${schema}")`);
  return `view ${model} {\n${lines.join('\n')}\n}`;
}

/**
 * Problems between the `view` blocks of schema.prisma and the objects (columns, types,
 * nullability, unique criterion). PostgreSQL reports every view column as nullable, so a field
 * outside the unique criterion must be optional.
 */
export function checkPrismaViews(
  schemaText: string,
  state: DbState,
): { name: string; message: string; suggestion?: string }[] {
  const problems: { name: string; message: string; suggestion?: string }[] = [];
  for (const v of parsePrismaViews(schemaText)) {
    const o = state.objects.get(v.name);
    if (!o) {
      problems.push({
        name: v.name,
        message: `schema.prisma's view ${v.model} maps ${v.name}, which the view catalog does not define; add prisma/views/${v.name.replace('.', '/')}.sql or remove the block`,
      });
      continue;
    }
    const issues: string[] = [];
    const cols = new Map(o.columns.map((c) => [c.name, c]));
    for (const f of v.fields) {
      const c = cols.get(f.column);
      if (!c) {
        issues.push(`field ${f.field} maps column ${f.column}, which ${v.name} does not have`);
        continue;
      }
      if (prismaScalar(c.type) !== f.type)
        issues.push(`field ${f.field} is ${f.type} but ${f.column} is ${c.type} (${prismaScalar(c.type)})`);
      const inUnique = v.unique.includes(f.column);
      if (!f.optional && !inUnique)
        issues.push(
          `field ${f.field} is required but ${f.column} may be NULL (views have no NOT NULL); make it ${f.type}?`,
        );
    }
    for (const c of o.columns)
      if (!v.fields.some((f) => f.column === c.name)) issues.push(`column ${c.name} (${c.type}) has no field`);
    if (o.kind !== 'view') {
      const u = uniqueColumns(o);
      if (u.join(',') !== v.unique.join(','))
        issues.push(
          `its unique criterion is (${v.unique.join(', ') || 'none'}) but the unique index of ${v.name} is on (${u.join(', ') || 'nothing'})`,
        );
    }
    if (issues.length) {
      problems.push({
        name: v.name,
        message: `schema.prisma's view ${v.model} does not match ${v.name}: ${issues.join('; ')}; replace the block with the one below`,
        suggestion: renderPrismaView(v.model, o),
      });
    }
  }
  return problems;
}

/**
 * Bring the `view` blocks of one schema file in line with the objects: fields in column order,
 * existing fields (and their `///` docs) kept with type and optionality fixed, new columns added,
 * gone ones removed, `@unique` on the unique index's column. Blocks with no problem are untouched.
 */
export function updatePrismaViewBlocks(schemaText: string, state: DbState): { text: string; updated: string[] } {
  const updated: string[] = [];
  const text = schemaText.replace(/^view\s+(\w+)\s*\{([\s\S]*?)^\}/gm, (block, model: string) => {
    const [view] = parsePrismaViews(block);
    const o = view && state.objects.get(view.name);
    if (!view || !o || checkPrismaViews(block, state).length === 0) return block;
    const lines = block.split('\n').slice(1, -1);
    const fieldLines = new Map<string, string[]>();
    const rest: string[] = [];
    let docs: string[] = [];
    for (const line of lines) {
      const t = line.trim();
      if (t.startsWith('///')) {
        docs.push(line);
        continue;
      }
      const f = /^\s*(\w+)\s+(\w+)(\?)?(?:\s+(.*))?$/.exec(line);
      if (f && !t.startsWith('@@') && !t.startsWith('//')) {
        const column = /@map\("([^"]+)"\)/.exec(f[4] ?? '')?.[1] ?? f[1]!;
        fieldLines.set(column, [...docs, line]);
      } else if (t !== '') rest.push(...docs, line);
      docs = [];
    }
    const unique = uniqueColumns(o);
    const single = unique.length === 1 ? unique[0] : undefined;
    const out: string[] = [];
    for (const c of o.columns) {
      const scalar = prismaScalar(c.type);
      const optional = !unique.includes(c.name);
      const existing = fieldLines.get(c.name);
      if (existing) {
        const last = existing.at(-1)!;
        const f = /^(\s*)(\w+)\s+(\w+)(\?)?(\s+.*)?$/.exec(last)!;
        let attrs = (f[5] ?? '').replace(/\s*@unique\b/, '');
        if (o.kind !== 'view' && single === c.name) attrs = ` @unique${attrs}`;
        else if (o.kind === 'view' && /@unique\b/.test(last)) attrs = ` @unique${attrs}`;
        out.push(
          ...existing.slice(0, -1),
          `${f[1]}${f[2]} ${scalar}${optional && !(o.kind === 'view' && /@unique\b/.test(last)) ? '?' : ''}${attrs}`,
        );
      } else {
        const rendered = renderPrismaView(model, { ...o, columns: [c] }).split('\n')[1]!;
        out.push(o.kind !== 'view' || !single ? rendered : rendered.replace(' @unique', ''));
      }
    }
    updated.push(model);
    return [`view ${model} {`, ...out, '', ...rest, '}'].join('\n');
  });
  return { text, updated };
}
