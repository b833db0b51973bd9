import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../scripts/chromium.ts';
import { injectAxe } from './a11y.ts';
import { inject } from 'vitest';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { loadConfig, type ApiConfig } from '@warehouse/api/config';
import { startServer, type Started } from '@warehouse/api/server';
import { withTransaction } from '@warehouse/db';
import { createUser } from '@warehouse/db/accounts';

export { CHROMIUM } from '../scripts/chromium.ts';
export const DIST = fileURLToPath(new URL('../dist', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../test-results/screenshots', import.meta.url));

export interface Stack {
  url: string;
  server: Started;
  db: TestDatabase;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

let browser: Promise<Browser> | undefined;

/**
 * One headless Chromium per worker process: the test files run one after another in it (no
 * isolation), each in a context of its own (`startStack`). Launched again if it went away.
 */
function sharedBrowser(): Promise<Browser> {
  browser ??= launchBrowser().then((b) => {
    b.on('disconnected', () => (browser = undefined));
    return b;
  });
  return browser;
}

/**
 * The API and its workers on 127.0.0.1 (a free port) against a fresh test database cloned from
 * the migrated template, serving the built console, plus a fresh context (its own cookies,
 * storage and downloads) of the worker's headless Chromium.
 */
export async function startStack(overrides: Partial<ApiConfig> = {}): Promise<Stack> {
  const adminUrl = inject('pgAdminUrl');
  const db = await createTestDatabase(adminUrl, { template: await createMigratedTemplate(adminUrl), prefix: 'web' });
  const config = loadConfig(
    {},
    {
      databaseUrl: db.url,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      webDist: DIST,
      sweepIntervalMs: 200,
      ...overrides,
      // Sign-in off unless a test asks for it or sets API_TOKEN (then the token is an admin key).
      auth: overrides.auth ?? overrides.apiToken !== undefined,
    },
  );
  const server = await startServer({
    config,
    seed: { from: '2019-01-01', to: '2026-12-31' },
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  const context = await (
    await sharedBrowser()
  ).newContext({
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return {
    url: server.url!,
    server,
    db,
    context,
    page,
    async close() {
      // The server and its database go whatever the context does: a server left running in this
      // process (workers share it, file after file) would go on polling for jobs.
      try {
        await context.close();
      } finally {
        try {
          await server.stop();
        } finally {
          await db.drop();
        }
      }
    },
  };
}

/** axe-core on the current page; returns the serious and critical violations (ids and targets). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await injectAxe(page);
  const violations = await page.evaluate(async () => {
    const r = await (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}

/**
 * Check a page the way a person would meet it: no serious axe violations and no horizontal
 * overflow of the body, at 1280×800 and at 390×844 (a phone), with a screenshot of each kept
 * under test-results/screenshots.
 */
export async function checkPage(page: Page, name: string): Promise<string[]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const problems: string[] = [];
  for (const vp of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    await page.setViewportSize(vp);
    await page.waitForTimeout(150);
    problems.push(...(await seriousViolations(page)).map((v) => `${vp.width}px: ${v}`));
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    if (overflow > 1) problems.push(`${vp.width}px: the page is ${overflow}px wider than the viewport`);
    if (vp.width >= 1280) {
      // On a laptop no table may hide columns behind its own horizontal scroll (phones may scroll).
      const clipped = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.table-wrap')]
          .filter((w) => w.scrollWidth - w.clientWidth > 1)
          .map(
            (w) =>
              `${w.querySelector('table')?.dataset.testid ?? w.closest('section')?.querySelector('h2')?.textContent ?? '?'} (${w.scrollWidth - w.clientWidth}px)`,
          ),
      );
      for (const c of clipped) problems.push(`${vp.width}px: the table ${c} is cut off (scrolls sideways)`);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${vp.width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  return problems;
}

export interface StackUser {
  id: string;
  email: string;
  name: string;
  password: string;
  role: 'viewer' | 'staff' | 'admin';
}

/** An account on the stack's database, made the way `pnpm users:create` makes one. */
export async function addUser(s: Stack, role: StackUser['role'], name: string): Promise<StackUser> {
  const email = `${role}-${Math.random().toString(36).slice(2, 10)}@example.test`;
  const password = `pw-${name}-${Math.random().toString(36).slice(2)}`;
  const client = await s.server.pool.connect();
  try {
    const r = await withTransaction(client, () =>
      createUser(client, { email, name, role, password, actor: { type: 'cli', id: null, name: 'e2e' } }),
    );
    return { id: r.user.id, email, name, password, role };
  } finally {
    client.release();
  }
}

/**
 * Sign the browser in without the form (the sign-in page has its own test): better-auth's endpoint
 * through the context's request client, which shares the browser's cookies.
 */
export async function signInBrowser(s: Stack, user: Pick<StackUser, 'email' | 'password'>): Promise<void> {
  const res = await s.context.request.post(`${s.url}/api/auth/sign-in/email`, {
    data: { email: user.email, password: user.password },
  });
  if (!res.ok()) throw new Error(`sign-in of ${user.email} answered ${res.status()}: ${await res.text()}`);
}
