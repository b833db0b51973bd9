import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);

/** axe-core on the current page: every violation, whatever its impact (moderate and minor too). */
export async function allViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
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
