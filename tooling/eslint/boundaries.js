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
  '@warehouse/db': ['@warehouse/secrets'],
  '@warehouse/command': ['@warehouse/secrets'],
  '@warehouse/refresher': ['@warehouse/db', '@warehouse/command'],
  '@warehouse/cli': ['@warehouse/db', '@warehouse/command', '@warehouse/refresher'],
  // Apps: no app imports the CLI (it is a set of scripts, not a library).
  '@warehouse/api': ['@warehouse/db', '@warehouse/command', '@warehouse/refresher'],
  '@warehouse/web': ['@warehouse/db', '@warehouse/command', '@warehouse/refresher', '@warehouse/api'],
};

/**
 * The ESLint config objects that forbid `name`'s files every workspace package it may not import.
 * @param {string} name the package's name, e.g. '@warehouse/db'
 */
export function boundaries(name) {
  const allowed = ALLOWED_IMPORTS[name];
  if (!allowed) throw new Error(`${name} is not in tooling/eslint/boundaries.js ALLOWED_IMPORTS; add it there`);
  const forbidden = Object.keys(ALLOWED_IMPORTS).filter((p) => p !== name && !allowed.includes(p));
  return [
    {
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: forbidden.map((p) => ({
              group: [p, `${p}/*`],
              message: `${name} may not import ${p} (allowed: ${allowed.join(', ') || 'no workspace package'}); see tooling/eslint/boundaries.js`,
            })),
          },
        ],
      },
    },
  ];
}
