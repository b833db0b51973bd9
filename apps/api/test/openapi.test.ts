import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from './helper.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ apiToken: 'openapi-test-token' });
});
afterAll(async () => t?.close());

interface Operation {
  summary?: string;
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>> };

/**
 * The app's routes as Fastify's router prints them (independent of @fastify/swagger): the tree of
 * printRoutes({ commonPrefix: false }) flattened to `METHOD /full/path`, leaving out HEAD (Fastify
 * adds one per GET), the documentation's own routes and the console's static files (when apps/web
 * is built: /, /index.html, /favicon.svg, /assets/*), which are pages, not API.
 */
const NOT_API = new Set(['/openapi.json', '/docs', '/', '/index.html', '/favicon.svg']);
function routerRoutes(): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    if (!m[3] || NOT_API.has(path) || path.startsWith('/docs/') || path.startsWith('/assets/')) continue;
    for (const method of m[3].split(', ')) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out.sort();
}

describe('the API described by its schemas', () => {
  it('serves /openapi.json without the token, listing every route of the app', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode, res.body).toBe(200);
    const doc = res.json<OpenApi>();
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      )
      .sort();
    const routes = routerRoutes();
    expect(routes.length).toBeGreaterThan(20);
    expect(routes).toContain('GET /inbound/daily');
    expect(routes).toContain('POST /upload/csv');
    expect(documented).toEqual(routes);
  });

  it('documents params, bodies and responses from the TypeBox schemas', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<OpenApi>();
    const textRoutes = ['/metrics', '/uploads/{id}/errors.csv', '/audit.csv', '/dashboard/export.xlsx'];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary, `${method} ${path} has a summary`).toBeTruthy();
        if (textRoutes.includes(path)) continue;
        const ok = Object.entries(op.responses).find(([code]) => code.startsWith('2'));
        expect(ok?.[1].content?.['application/json']?.schema, `${method} ${path} declares its 2xx answer`).toBeTruthy();
      }
    }
    const daily = doc.paths['/inbound/daily']!.get! as Operation & { parameters: { name: string; in: string }[] };
    expect(daily.parameters.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['query:from', 'query:to']);
    const upload = doc.paths['/upload/csv']!.post!;
    const form = upload.requestBody!.content['multipart/form-data'] as {
      schema: { properties: Record<string, { format?: string }> };
    };
    expect(form.schema.properties.receive).toMatchObject({ format: 'binary' });
    expect(Object.keys(form.schema.properties)).toEqual(
      expect.arrayContaining(['receive', 'shipment', 'yard', 'flavour', 'period']),
    );
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['202', '4XX']));
  });

  it('serves Swagger UI at /docs without the token', async () => {
    let res = await t.app.inject({ method: 'GET', url: '/docs' });
    if (res.statusCode === 302) res = await t.app.inject({ method: 'GET', url: res.headers.location! });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toMatch(/swagger/i);
  });

  it('still needs the token for data routes, and refuses bad input with the usual error body', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/dashboard/target-card?date=2025-04-01' })).statusCode).toBe(401);
    const headers = { authorization: 'Bearer openapi-test-token' };
    const bad = await t.app.inject({ method: 'GET', url: '/dashboard/target-card?date=2025-02-29', headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      code: 'E_BAD_DATE',
      error: 'date=2025-02-29 is not a calendar date; pass an existing date YYYY-MM-DD',
      requestId: expect.any(String),
    });
    const shape = await t.app.inject({ method: 'GET', url: '/inbound/daily?from=20250401&to=2025-04-30', headers });
    expect(shape.statusCode).toBe(400);
    expect(shape.json()).toMatchObject({ code: 'FST_ERR_VALIDATION', error: expect.stringContaining('from') });
    const leap = await t.app.inject({ method: 'GET', url: '/dashboard/target-card?date=2024-02-29', headers });
    expect(leap.statusCode, 'a leap day is a date (no card for it in an empty database)').toBe(404);
  });
});
