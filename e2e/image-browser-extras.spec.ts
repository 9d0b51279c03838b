import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

// Real CRIU dumps of CRIU's own zdtm test programs (ci/zdtm-corpus.sh: cached by CRIU version, built when missing),
// opened in the image browser: what a restore must recreate beyond files and memory is shown.
let corpus = '';
test.beforeAll(() => {
  test.setTimeout(900_000);
  const out = execFileSync('bash', ['ci/zdtm-corpus.sh'], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] });
  corpus = out.trim().split('\n').pop()!;
});

async function open(page: Page, target: string): Promise<void> {
  await page.getByLabel('Checkpoint path').fill(target);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('tree', { name: 'Process tree' }).getByRole('treeitem').first()).toBeVisible({ timeout: 30_000 });
}

const dump = (name: string, form: string): string => path.join(corpus, 'dumps', name, form);

test('shows deleted files held only by a mapping, leases and SysV IPC objects', async ({ page, stasis }) => {
  await page.goto(stasis.url);
  await page.getByRole('link', { name: 'Look inside a checkpoint…' }).click();

  await open(page, dump('unlink_mmap00', 'reverse.tar.zst'));
  await page.getByRole('tab', { name: /Deleted, locks, IPC/ }).click();
  const deleted = page.getByRole('table', { name: 'Deleted but held' });
  await expect(deleted).toContainText('unlink_mmap00.test (deleted)');
  await expect(deleted).toContainText('mapped by pid');

  await open(page, dump('file_lease01', 'images'));
  await page.getByRole('tab', { name: /Deleted, locks, IPC/ }).click();
  await expect(page.getByRole('table', { name: 'File locks and leases' })).toContainText('lease');

  await open(page, dump('sem', 'plain.tar.zst'));
  await page.getByRole('tab', { name: /Deleted, locks, IPC/ }).click();
  await expect(page.getByRole('table', { name: 'SysV IPC' })).toContainText('10 semaphores');
});

test("shows a process's POSIX timers, pending signals and seccomp filters", async ({ page, stasis }) => {
  await page.goto(stasis.url);
  await page.getByRole('link', { name: 'Look inside a checkpoint…' }).click();

  await open(page, dump('posix_timers', 'name.tar.zst'));
  await expect(page.getByRole('table', { name: 'Timers' })).toContainText('POSIX timer');

  await open(page, dump('sigpending', 'images'));
  await expect(page.getByLabel('Pending signals')).toContainText('SIG');

  await open(page, dump('seccomp_filter_tsync', 'images'));
  await page.getByRole('tree', { name: 'Process tree' }).getByRole('treeitem').nth(1).click();
  await expect(page.getByText(/BPF instructions/)).toBeVisible();
});
