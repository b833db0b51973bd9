import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * Serve the built console (apps/web/dist) at `/`. Only the files that exist at start are routes
 * (no wildcard), so the API's own routes and its 404s are untouched. Hashed assets are cached for
 * a year; index.html is revalidated so a new build is picked up.
 * Returns false when there is no build (the API then runs without the console).
 */
export async function serveConsole(app: FastifyInstance, dir: string): Promise<boolean> {
  if (!existsSync(path.join(dir, 'index.html'))) {
    app.log.warn(
      { dir },
      'console not built (no index.html); `pnpm start` builds it, or run `pnpm --filter @warehouse/web build`',
    );
    return false;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    setHeaders(res, file) {
      res.header(
        'cache-control',
        file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return true;
}

/** Newest modification time (ms) of the files under the given paths (directories recursively). */
function newest(paths: string[]): number {
  let max = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    if (st.isDirectory()) max = Math.max(max, newest(readdirSync(p).map((n) => path.join(p, n))));
    else max = Math.max(max, st.mtimeMs);
  }
  return max;
}

/**
 * `pnpm start` builds the console when its build is missing or older than its sources (apps/web
 * and the API's kinds/contracts it imports), so the README's first command still does everything.
 * Returns what happened; throws when the build fails.
 */
export function buildConsoleIfStale(
  dist: string,
  log: (msg: string) => void = () => {},
): 'fresh' | 'built' | 'no-sources' {
  const webDir = path.dirname(dist);
  const apiSrc = fileURLToPath(new URL('.', import.meta.url));
  const sources = [
    path.join(webDir, 'src'),
    path.join(webDir, 'public'),
    path.join(webDir, 'index.html'),
    path.join(webDir, 'vite.config.ts'),
    path.join(webDir, 'package.json'),
    path.join(apiSrc, 'ingest', 'kinds.ts'),
    path.join(apiSrc, 'contracts.ts'),
  ];
  if (!existsSync(path.join(webDir, 'vite.config.ts'))) return 'no-sources';
  const built = existsSync(path.join(dist, 'index.html')) ? statSync(path.join(dist, 'index.html')).mtimeMs : 0;
  if (built >= newest(sources)) return 'fresh';
  log(
    `building the console (${path.relative(process.cwd(), webDir) || webDir}) — its build is ${built ? 'older than its sources' : 'missing'}`,
  );
  // NODE_ENV=production: a caller's NODE_ENV (vitest sets `test`) would otherwise make Vite bundle React's development build.
  const r = spawnSync('pnpm', ['--dir', webDir, 'build'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    shell: false,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.error || r.status !== 0) {
    throw new Error(
      `building the console failed (${r.error?.message ?? `exit ${r.status}`}); run \`pnpm --filter @warehouse/web build\` to see why, or start with WEB_DIST=off to run the API without it`,
    );
  }
  return 'built';
}
