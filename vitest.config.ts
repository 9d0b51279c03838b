import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
const define = { __STASIS_VERSION__: JSON.stringify(pkg.version) };

// Two layers: unit tests run anywhere; system tests (`*.system.test.ts`) drive real CRIU, podman,
// Docker and sshd, so they run one file at a time and get long timeouts. Both warn about what a run leaves
// in the temp folder (test-support/tmp-guard.mjs).
export default defineConfig({
  define,
  test: {
    projects: [
      {
        define,
        test: {
          name: 'unit',
          globalSetup: ['test-support/tmp-guard.mjs'],
          include: ['{shared,electron,renderer,scripts,bench}/**/*.test.{ts,tsx}'],
          exclude: ['**/*.system.test.ts', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        define,
        test: {
          name: 'system',
          globalSetup: ['test-support/tmp-guard.mjs', 'test-support/install-helper.ts'],
          include: ['{shared,electron,test-support}/**/*.system.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
