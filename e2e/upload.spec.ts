import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures';

// Browser mode, where the server may run on another machine: a checkpoint archive the user has is uploaded through
// the empty state's file input, streamed to the server's private temp folder, and opens in the image browser; the
// server removes it once the image is closed.
const SAMPLE = fileURLToPath(new URL('../assets/sample-checkpoint.tar.zst', import.meta.url));

test('uploads a checkpoint archive from the empty state and sees its process tree', async ({ page, stasis }) => {
  await page.goto(`${stasis.origin}/#/image?token=${stasis.token}`);
  await page.getByLabel('Upload a checkpoint').setInputFiles(SAMPLE);
  await expect(page).toHaveURL(/#\/image\?path=.*stasis-upload-/, { timeout: 30_000 });
  const uploaded = new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('path')!;
  expect(path.basename(uploaded)).toMatch(/^[0-9a-f]{12}-sample-checkpoint\.tar\.zst$/);
  expect(existsSync(uploaded)).toBe(true);
  const tree = page.getByRole('tree', { name: 'Process tree' });
  await expect(tree.getByRole('treeitem').first()).toBeVisible({ timeout: 30_000 });
  await tree.getByRole('treeitem').first().click();
  const fds = page.getByLabel(/^Process \d+$/).getByRole('table', { name: 'Open files' });
  await expect(fds.locator('tr.unlinked')).toContainText('/tmp/deleted.txt');
  // Closing the image removes the upload from the server's temp folder.
  await page.getByRole('link', { name: 'Look inside a checkpoint…' }).click();
  await expect(page.getByLabel('Upload a checkpoint')).toBeAttached();
  await expect.poll(() => existsSync(uploaded), { timeout: 15_000 }).toBe(false);
});

test('a checkpoint archive dropped onto the window is uploaded and opens', async ({ page, stasis }) => {
  await page.goto(`${stasis.origin}/#/?token=${stasis.token}`);
  await expect(page.getByRole('heading', { name: 'This computer' })).toBeVisible({ timeout: 30_000 });
  const bytes = readFileSync(SAMPLE).toString('base64');
  // What the browser fires for a file dragged from the desktop: dragover, then drop, carrying a File.
  await page.evaluate((b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], 'dropped.tar.zst'));
    const target = document.querySelector('main')!;
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await expect(page).toHaveURL(/#\/image\?path=.*stasis-upload-.*dropped\.tar\.zst/, { timeout: 30_000 });
  await expect(page.getByRole('tree', { name: 'Process tree' }).getByRole('treeitem').first()).toBeVisible({ timeout: 30_000 });
});
