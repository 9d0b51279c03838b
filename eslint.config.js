import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noElectron = {
  paths: [{ name: 'electron', message: 'Only electron/main and electron/preload may import electron; services must run in plain Node.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='eval']", message: 'no eval' }],
    },
  },
  // Layering: shared/ is pure (no Node, no DOM, no electron); renderer/ talks only to shared/;
  // services never import electron. The tsconfigs enforce the type side; these rules the import side.
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts', 'shared/**/test-support/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'stream', 'zlib'], message: 'shared/ is pure TypeScript: no Node modules.' },
        { group: ['electron', '**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing above it.' },
      ] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'electron', '**/electron/**'], message: 'The renderer talks only to the typed API in shared/.' },
      ] }],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main/**', 'electron/preload/**'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: {
      // All IPC goes through the contract (electron/main/ipc.ts and the preload); no ad-hoc channels elsewhere.
      'no-restricted-properties': ['error',
        { object: 'ipcMain', property: 'on', message: 'Register handlers from the contract in electron/main/ipc.ts.' },
      ],
    },
  },
);
