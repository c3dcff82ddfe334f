// `npm run lint` (run from the repository root): typescript-eslint's recommended rules over the
// TypeScript sources, tests, scripts and benchmarks. Type checking itself is `tsc -b`'s job.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'packages/model/models/**', 'tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    // A disable comment that suppresses nothing is an error: each one left in the code is needed.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // `ok ? a() : b()` and `x && f()` as statements are used on purpose.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    // Tests reach into loosely typed places (browser pages, raw SQL rows) on purpose.
    files: ['test/**', '**/test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The analytics page's script runs in the browser, with Chart.js loaded by its page.
    files: ['apps/api/src/dashboard/**/*.js'],
    languageOptions: { globals: { ...globals.browser, Chart: 'readonly' } },
  },
);
