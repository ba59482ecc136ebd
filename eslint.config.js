// typescript-eslint's strict, type-checked rules over the sources, tests, benchmarks and deploy scripts.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'dist-bench/', 'node_modules/', 'coverage/', '.tap/'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js', 'deploy/*/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // With noUncheckedIndexedAccess, `!` is how code says "this index exists": the compiler checks the rest.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Destructuring a key out beside a ...rest is how an object is copied without that key.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // As only-throw-error does by default: an abort passes on its signal's reason (typed any) and a rejection its cause, unchanged.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // tap's subtests are awaited by tap itself; an un-awaited t.test() is how tap is meant to be written.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] },
      ],
      // Simulator handlers and test callbacks are async to fit an async interface, with or without an await.
      '@typescript-eslint/require-await': 'off',
    },
  },
);
