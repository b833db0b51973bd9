import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Put axe-core into the page. Not as a <script> tag: the console's Content-Security-Policy
 * (script-src 'self') rightly refuses inline scripts, and the test must not loosen it
 * (bypassCSP would also hide the console's own violations). An evaluation by the browser's
 * DevTools protocol is not a page script, so the policy stays on while axe runs.
 */
export async function injectAxe(page: Page): Promise<void> {
  if (await page.evaluate(() => 'axe' in window)) return;
  await page.evaluate(AXE_SOURCE);
}

/**
 * axe-core on the current page: every violation whatever its impact (minor and moderate too), as
 * "id (impact): targets". checkPage (stack.ts) keeps to serious and critical ones; the pages the
 * messages work touched are held to this stricter list.
 */
export async function allViolations(page: Page): Promise<string[]> {
  await injectAxe(page);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
  });
}

/** The visible text of the page that staff read, for "no route, command or table name" checks. */
export const visibleText = (page: Page): Promise<string> => page.evaluate(() => document.body.innerText);

/** What must never appear in staff-facing text: HTTP verbs with a path, commands, env vars, relation names. */
export const DEVELOPER_WORDS =
  /\b(?:GET|POST|PUT|PATCH|DELETE) \/|\bpnpm\b|--id\b|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b(?:mart|stg|raw|log|kpi|ref)\.[a-z_]+|\bmv_[a-z_]+/;

/** {@link allViolations} at 1280×800 and at 390×844, prefixed with the width; leaves the page at 1280×800. */
export async function allViolationsAtBothSizes(page: Page): Promise<string[]> {
  const out: string[] = [];
  for (const vp of [
    { width: 390, height: 844 },
    { width: 1280, height: 800 },
  ]) {
    await page.setViewportSize(vp);
    out.push(...(await allViolations(page)).map((v) => `${vp.width}px: ${v}`));
  }
  return out;
}
