// @ts-check
/**
 * Which workspace package may import which: the arrows of the house, one way only. Derived from
 * the packages' package.json dependencies (without the tooling packages); a package imports only
 * what it depends on, never a package above it. `boundaries(name)` turns the table into an ESLint
 * `no-restricted-imports` rule for that package's files, so a wrong-way import fails `pnpm lint`.
 * Adding an arrow: add the dependency to package.json AND here, and say why in the commit.
 * Proof that the rule fires: `pnpm --filter @warehouse/eslint-config test` (boundaries.test.js).
 */

/** @type {Readonly<Record<string, readonly string[]>>} */
export const ALLOWED_IMPORTS = {
  // A leaf: connection-URL masking, so command masks errors without loading db.
  '@warehouse/secrets': [],
  // A leaf: the texts for staff that the API (errors.csv) and the console both show.
  '@warehouse/messages': [],
  '@warehouse/db': ['@warehouse/secrets'],
  '@warehouse/migrate': ['@warehouse/db', '@warehouse/env', '@warehouse/secrets'],
  '@warehouse/env': ['@warehouse/db', '@warehouse/secrets'],
  // env: `prisma db seed` reads DATABASE_URL through resolveDatabase, as the API does.
  '@warehouse/demo': ['@warehouse/db', '@warehouse/env', '@warehouse/migrate'],
  '@warehouse/command': ['@warehouse/secrets'],
  '@warehouse/refresher': [
    '@warehouse/command',
    '@warehouse/db',
    '@warehouse/demo',
    '@warehouse/env',
    '@warehouse/migrate',
  ],
  '@warehouse/cli': [
    '@warehouse/command',
    '@warehouse/db',
    '@warehouse/demo',
    '@warehouse/env',
    '@warehouse/migrate',
    '@warehouse/refresher',
  ],
  // Apps: no app imports the CLI (it is a set of scripts, not a library).
  '@warehouse/api': [
    '@warehouse/command',
    '@warehouse/db',
    '@warehouse/demo',
    '@warehouse/env',
    '@warehouse/messages',
    '@warehouse/migrate',
    '@warehouse/refresher',
  ],
  '@warehouse/web': [
    '@warehouse/api',
    '@warehouse/command',
    '@warehouse/db',
    '@warehouse/demo',
    '@warehouse/messages',
    '@warehouse/migrate',
    '@warehouse/refresher',
  ],
};

/**
 * Arrows inside a package: files (globs relative to the package) that may not import some of
 * its own modules. `apps/api`'s routes take their context from src/context.ts and shared SQL from
 * src/reads/, so no route imports app.ts (which imports every route) or another route, and the
 * modules routes import import no route.
 * @type {Readonly<Record<string, readonly { files: string[]; group: string[]; message: string }[]>>}
 */
export const INNER_RULES = {
  '@warehouse/api': [
    {
      files: ['src/routes/**'],
      group: ['../app', '../app.ts', './*', '../routes/*'],
      message:
        'a route imports neither app.ts nor another route: AppContext is in src/context.ts, shared SQL in src/reads/',
    },
    {
      files: ['src/context.ts', 'src/reads/**'],
      group: ['./routes/*', '../routes/*', './app', './app.ts', '../app', '../app.ts'],
      message: 'what routes import imports no route and not app.ts (that would close the circle app.ts ↔ routes)',
    },
  ],
};

/**
 * The ESLint config objects that forbid `name`'s files every workspace package it may not import
 * (and, for the files INNER_RULES names, some of the package's own modules).
 * @param {string} name the package's name, e.g. '@warehouse/db'
 */
export function boundaries(name) {
  const allowed = ALLOWED_IMPORTS[name];
  if (!allowed) throw new Error(`${name} is not in tooling/eslint/boundaries.js ALLOWED_IMPORTS; add it there`);
  const forbidden = Object.keys(ALLOWED_IMPORTS).filter((p) => p !== name && !allowed.includes(p));
  const packages = forbidden.map((p) => ({
    group: [p, `${p}/*`],
    message: `${name} may not import ${p} (allowed: ${allowed.join(', ') || 'no workspace package'}); see tooling/eslint/boundaries.js`,
  }));
  // A later config object replaces the rule's options for its files, so each repeats the packages.
  return [
    { rules: { 'no-restricted-imports': ['error', { patterns: packages }] } },
    ...(INNER_RULES[name] ?? []).map(({ files, group, message }) => ({
      files,
      rules: {
        'no-restricted-imports': [
          'error',
          { patterns: [...packages, { group, message: `${message}; see tooling/eslint/boundaries.js` }] },
        ],
      },
    })),
  ];
}
