// @ts-check
/**
 * The ESLint flat config every package extends: `export default [...baseConfig]` in its
 * eslint.config.js. Type-aware (typescript-eslint's project service reads each package's
 * tsconfig.json), so rules that need types — floating promises above all — can run.
 * Formatting is Prettier's job (tooling/prettier); no stylistic rules here.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/src/generated/**', '**/.turbo/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: process.cwd() },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its error: the job, the COPY, the release all fail silently.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      // `import type` for types only: verbatimModuleSyntax needs it, and it keeps runtime edges honest.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Values from pg rows, JSON and catch clauses are `any`/`unknown` by nature; they are checked
      // where they are used (typed row helpers), not banned wholesale.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      // An async function without await is how a Promise-returning interface is implemented (test
      // doubles, `async () => { throw … }`); the rule would only push `Promise.resolve` wrappers.
      '@typescript-eslint/require-await': 'off',
      // Control characters in regexes are deliberate here (CSV/encoding code matches \x1a, \x1b…).
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
