// Lint rules that keep the layers of ../shared/design/ARCHITECTURE.md apart, plus the usual
// TypeScript hygiene.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'tls', 'http', 'crypto'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['protocols/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/electron/**', '**/renderer/**', 'electron'], message: 'protocols/ knows only protocols/adapter.ts and its own libraries.' },
          { group: ['better-sqlite3'], message: 'Adapters never touch SQLite.' },
        ],
      }],
    },
  },
  {
    files: ['electron/service/**/*.ts', 'electron/store/**/*.ts', 'electron/api/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The service runs without Electron (also inside the headless host).' }],
        patterns: [{ group: ['**/renderer/**'], message: 'The core never imports the UI.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks only to window.switchboard.' }, { name: 'better-sqlite3', message: 'The renderer talks only to window.switchboard.' }],
        patterns: [
          { group: nodeBuiltins, message: 'The renderer runs in a sandboxed page: no Node.' },
          { group: ['**/electron/service/**', '**/electron/store/**', '**/protocols/xmpp/**'], message: 'The renderer sees only API types (electron/api, import type).' },
        ],
      }],
    },
  },
);
