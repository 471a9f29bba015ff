import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.wukong/**', 'docs/**', 'bench/results/**', 'test-results/**', 'release/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        structuredClone: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly',
        TextEncoder: 'readonly', TextDecoder: 'readonly', performance: 'readonly', fetch: 'readonly',
        queueMicrotask: 'readonly', setImmediate: 'readonly', document: 'readonly', window: 'readonly',
        customElements: 'readonly', HTMLElement: 'readonly', navigator: 'readonly', requestAnimationFrame: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Layering: core/ is a plain Node library and never reaches into a front end.
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron', 'electron/*'], message: 'core/ knows nothing of Electron.' },
        { group: ['**/renderer/**', '**/electron/**', '**/cli/**', '**/web/**'], message: 'core/ must not import front ends.' },
      ] }],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/core/**', '!**/core/api.js', '!**/core/errors.js', '!**/core/model/*.js'], message: 'renderer/ talks to the service only through core/api.ts.' },
      ] }],
    },
  },
);
