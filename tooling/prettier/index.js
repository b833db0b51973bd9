// @ts-check
/**
 * Prettier settings for the whole repo (root package.json: `"prettier": "@warehouse/prettier-config"`).
 * Chosen to match how the code is already written, so the one-off formatting commit moves little:
 * single quotes, semicolons, trailing commas; 120 columns (the code's long lines are mostly SQL
 * and messages, which read better unbroken up to that width).
 *
 * @type {import('prettier').Config}
 */
const config = {
  printWidth: 120,
  singleQuote: true,
  semi: true,
  trailingComma: 'all',
  arrowParens: 'always',
  endOfLine: 'lf',
};

export default config;
