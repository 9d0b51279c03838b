import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { podman, specContainer } from './podman-container';

// A real checkpoint made by podman + CRIU, opened in the image browser.
let archive = '';
const container = specContainer('browse', (name, dir) => {
  archive = path.join(dir, 'counter.tar.zst');
  podman('run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c', 'cd /tmp && exec 7>/tmp/held && while true; do echo tick > /tmp/c; sleep 0.2; done');
  podman('container', 'checkpoint', name, '--export', archive, '--compress', 'zstd');
});

test('opens a podman checkpoint and shows its process tree, files and memory', async ({ page, stasis }) => {
  await page.goto(stasis.url);
  await page.getByRole('link', { name: 'Look inside a checkpoint…' }).click();
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
  await expect(page.getByLabel('Container')).toContainText(container.name);
  mkdirSync('e2e/artifacts', { recursive: true });
  await page.getByRole('tab', { name: /Processes/ }).click();
  await page.screenshot({ path: 'e2e/artifacts/image-browser.png', fullPage: true });
});

test('a path that is not a checkpoint gets a clear error, not a crash', async ({ page, stasis }) => {
  await page.goto(stasis.url);
  await page.getByRole('link', { name: 'Look inside a checkpoint…' }).click();
  await page.getByLabel('Checkpoint path').fill('/etc/hostname');
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('alert')).toBeVisible({ timeout: 15_000 });
  await page.getByLabel('Checkpoint path').fill('relative/path');
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('alert')).toContainText('absolute path');
});
