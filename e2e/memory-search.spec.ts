import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { podman, specContainer } from './podman-container';

// A real podman + CRIU checkpoint whose shell carries a marker in its environment, searched in the image browser.
const marker = `stasis-needle-${process.pid}-haystack`;
let archive = '';
specContainer('memsearch', (name, dir) => {
  archive = path.join(dir, 'marked.tar.zst');
  podman('run', '-d', '--name', name, '--network', 'none', '-e', `STASIS_MARKER=${marker}`, 'localhost/stasis-busybox:latest', 'sh', '-c', 'while true; do sleep 0.2; done');
  podman('container', 'checkpoint', name, '--export', archive, '--compress', 'zstd');
});

/** Opens the archive and selects the container's shell (pid 1 in its namespace: the root of the tree). */
async function openShell(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('link', { name: 'Look inside a checkpoint…' }).click();
  await page.getByLabel('Checkpoint path').fill(archive);
  await page.getByRole('button', { name: 'Open' }).click();
  const tree = page.getByRole('tree', { name: 'Process tree' });
  await expect(tree.getByRole('treeitem').first()).toBeVisible({ timeout: 30_000 });
  await tree.getByRole('treeitem').first().click();
  const panel = page.getByRole('region', { name: 'Memory search' });
  await expect(panel).toBeVisible();
  return panel;
}

test('finds a marker in process memory, then shows its bytes in the hexdump', async ({ page, stasis }) => {
  const panel = await openShell(page, stasis.url);
  await expect(panel.getByLabel('Query kind')).toHaveValue('text');
  await panel.getByLabel('Search memory for').fill(marker);
  await panel.getByLabel('Search memory for').press('Enter');

  const matches = panel.getByRole('list', { name: 'Memory matches' });
  await expect(matches.getByRole('listitem').first()).toBeVisible({ timeout: 30_000 });
  const first = matches.getByRole('listitem').first();
  const open = first.getByRole('button', { name: /^Show 0x[0-9a-f]+ in the hexdump$/ });
  const address = /Show (0x[0-9a-f]+)/.exec((await open.getAttribute('aria-label')) ?? '')![1]!;
  // The environment lives on the stack: a read-write anonymous mapping, named with its range.
  await expect(open).toContainText(address);
  await expect(open).toContainText(/in 0x[0-9a-f]+-0x[0-9a-f]+ rw/);
  // The context is rows of 16 bytes; where the stack puts the marker decides where a row splits it, so the
  // printable column is read as one text.
  const context = first.getByRole('table', { name: `Bytes around ${address}` });
  await expect.poll(async () => (await context.locator('.ascii').allTextContents()).join('')).toContain('STASIS_MARK');

  await open.press('Enter');
  const dump = panel.getByRole('table', { name: 'Hexdump' });
  await expect(dump.getByRole('row').first()).toBeVisible({ timeout: 30_000 });
  await expect(open).toHaveAttribute('aria-pressed', 'true');
  // The printable column, row after row, is the memory's text: the marker is in it, in one piece.
  await expect.poll(async () => (await dump.locator('.ascii').allTextContents()).join('')).toContain(`STASIS_MARKER=${marker}`);
  await expect(dump.locator('mark').first()).toBeVisible();
  await expect(dump).toContainText(address.slice(2, -1));

  const rowsBefore = await dump.getByRole('row').count();
  await panel.getByRole('button', { name: 'Load more' }).click();
  await expect.poll(() => dump.getByRole('row').count()).toBeGreaterThan(rowsBefore);

  // An address typed by hand: the match's own, so the marker's first bytes open the view.
  await panel.getByLabel('Dump address').fill(address);
  await panel.getByLabel('Dump address').press('Enter');
  await expect.poll(async () => (await dump.locator('.ascii').allTextContents()).join('').trimStart()).toMatch(new RegExp(`^${marker}`));
  const n = parseInt(address, 16);
  await expect(dump.locator('.hex-addr').first()).toHaveText((n - (n % 16)).toString(16).padStart(12, '0'));

  mkdirSync('e2e/artifacts', { recursive: true });
  await page.screenshot({ path: 'e2e/artifacts/memory-search.png', fullPage: true });
});

test('a bad regex, a bad hex pattern and an unmapped address get clear messages, not a crash', async ({ page, stasis }) => {
  const panel = await openShell(page, stasis.url);
  await panel.getByLabel('Query kind').selectOption('regex');
  await panel.getByLabel('Search memory for').fill('(unclosed');
  await panel.getByRole('button', { name: 'Search memory' }).click();
  await expect(panel.getByRole('alert')).toContainText('The regular expression "(unclosed" is not a valid regular expression', { timeout: 30_000 });

  await panel.getByLabel('Query kind').selectOption('hex');
  await panel.getByLabel('Search memory for').fill('zz');
  await panel.getByRole('button', { name: 'Search memory' }).click();
  await expect(panel.getByRole('alert')).toContainText('The hex pattern "zz" holds characters that are not hex digits', { timeout: 30_000 });

  // The search still works after the errors.
  await panel.getByLabel('Query kind').selectOption('text');
  await panel.getByLabel('Search memory for').fill(marker);
  await panel.getByRole('button', { name: 'Search memory' }).click();
  await expect(panel.getByRole('list', { name: 'Memory matches' }).getByRole('listitem').first()).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByRole('alert')).toHaveCount(0);

  await panel.getByLabel('Dump address').fill('0x1000');
  await panel.getByLabel('Dump address').press('Enter');
  await expect(panel.getByRole('region', { name: 'Memory dump' }).getByRole('alert')).toContainText('is not mapped in process', { timeout: 30_000 });
  await panel.getByLabel('Dump address').fill('not-an-address');
  await panel.getByLabel('Dump address').press('Enter');
  await expect(panel.getByRole('region', { name: 'Memory dump' }).getByRole('alert')).toContainText('An address is hex digits');
});
