import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from './fixtures';

export const podman = (...args: string[]): string => execFileSync('podman', args, { encoding: 'utf8', timeout: 120_000 }).trim();

/**
 * A podman container of the spec's own, started and prepared in beforeAll (not at load: Playwright also loads spec
 * files in its runner process, which never runs afterAll) and removed, with its temp dir, in afterAll.
 */
export function specContainer(kind: string, setUp: (name: string, dir: string) => void | Promise<void>): { readonly name: string; readonly dir: string } {
  const state = { name: `stasis-test-${kind}-${process.pid}`, dir: '' };
  test.beforeAll(async () => {
    state.dir = mkdtempSync(path.join(tmpdir(), `stasis-e2e-${kind}-`));
    await setUp(state.name, state.dir);
  });
  test.afterAll(() => {
    try {
      podman('rm', '-f', '-t', '0', state.name);
    } catch {
      // already gone
    }
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}
