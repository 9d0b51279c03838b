import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from './fixtures';

// A real checkpoint made by podman + CRIU, opened in the image browser.
const name = `stasis-test-browse-${process.pid}`;
// Made in beforeAll, not at load: Playwright also loads this file in the runner process, which never runs afterAll.
let dir = '';
let archive = '';
const podman = (...args: string[]): string => execFileSync('podman', args, { encoding: 'utf8', timeout: 120_000 }).trim();

test.beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'stasis-e2e-image-'));
  archive = path.join(dir, 'counter.tar.zst');
  podman('run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c', 'cd /tmp && exec 7>/tmp/held && while true; do echo tick > /tmp/c; sleep 0.2; done');
  podman('container', 'checkpoint', name, '--export', archive, '--compress', 'zstd');
});

test.afterAll(() => {
  try {
    podman('rm', '-f', '-t', '0', name);
  } catch {
    // already gone
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('opens a podman checkpoint and shows its process tree, files and memory', async ({ page, stasis }) => {
  await page.goto(stasis.url);
  await page.getByRole('button', { name: 'Look inside a checkpoint…' }).click();
  await page.getByLabel('Checkpoint path').fill(archive);
  await page.getByRole('button', { name: 'Open' }).click();

  const tree = page.getByRole('tree', { name: 'Process tree' });
  await expect(tree.getByRole('treeitem').first()).toBeVisible({ timeout: 30_000 });
  // The shell may have forked a child shell at the moment of the dump: take the tree's first.
  await tree.getByRole('treeitem').filter({ has: page.locator('.comm', { hasText: /^sh$/ }) }).first().click();
  const detail = page.getByLabel(/^Process \d+$/);
  await expect(detail).toContainText('while true');
  await expect(detail.getByRole('table', { name: 'Open files' })).toContainText('/tmp/held');
  await expect(detail.getByRole('table', { name: 'Memory map' })).toContainText('busybox');

  await page.getByRole('tab', { name: /Mounts/ }).click();
  await expect(page.getByRole('table', { name: 'Mounts' })).toContainText('/proc');
  await page.getByRole('tab', { name: 'Container' }).click();
  await expect(page.getByLabel('Container')).toContainText(name);
  mkdirSync('e2e/artifacts', { recursive: true });
  await page.getByRole('tab', { name: /Processes/ }).click();
  await page.screenshot({ path: 'e2e/artifacts/image-browser.png', fullPage: true });
});

test('a path that is not a checkpoint gets a clear error, not a crash', async ({ page, stasis }) => {
  await page.goto(stasis.url);
  await page.getByRole('button', { name: 'Look inside a checkpoint…' }).click();
  await page.getByLabel('Checkpoint path').fill('/etc/hostname');
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('alert')).toBeVisible({ timeout: 15_000 });
  await page.getByLabel('Checkpoint path').fill('relative/path');
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('alert')).toContainText('absolute path');
});
