import path from 'node:path';
import { test, expect } from './fixtures';
import { until } from '../test-support/poll';
import { podman, specContainer } from './podman-container';

// A real podman + CRIU checkpoint of two processes joined by a unix socketpair, with a secret in the environment:
// opened by deep link, a process found by its command line, a socket followed to its peer, the secret revealed, a
// table copied.
const SECRET = `s3cret-${process.pid}`;
const PAIR = `
import os, socket, signal, time
a, b = socket.socketpair()
if os.fork() == 0:
    a.close()
    os.dup2(b.fileno(), 9)
    open('/tmp/child-ready', 'w').close()
    while True: signal.pause()
b.close()
os.dup2(a.fileno(), 8)
while not os.path.exists('/tmp/child-ready'): time.sleep(0.05)
print('ready', flush=True)
while True: signal.pause()
`;

let archive = '';
specContainer('links', async (name, dir) => {
  archive = path.join(dir, 'pair.tar.zst');
  podman('run', '-d', '--name', name, '--network', 'none', '-e', `STASIS_SECRET=${SECRET}`, 'localhost/stasis-debian:latest', 'python3', '-c', PAIR, 'peer-demo');
  await until('the pair of processes to say ready', () => podman('logs', name), (logs) => logs.includes('ready'));
  podman('container', 'checkpoint', name, '--export', archive, '--compress', 'zstd');
});

test('deep link, search a process, jump from a socket to its peer, reveal a secret, copy a table', async ({ page, stasis }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(`${stasis.origin}/#/image?path=${encodeURIComponent(archive)}&token=${stasis.token}`);
  const tree = page.getByRole('tree', { name: 'Process tree' });
  await expect(tree.getByRole('treeitem').first()).toBeVisible({ timeout: 60_000 });
  await expect(tree.getByRole('treeitem')).toHaveCount(2);

  // The parent's fd 8 is one end of the pair; the child (its only child) holds the other as fd 9.
  await page.getByRole('searchbox', { name: 'Search processes' }).fill('peer-demo');
  await expect(page.getByText('2 matching')).toBeVisible();
  await tree.getByRole('treeitem').first().click();
  const detail = page.getByLabel(/^Process \d+$/);
  const parentPid = Number((await detail.getAttribute('aria-label'))!.replace(/\D/g, ''));
  const fds = detail.getByRole('table', { name: 'Open files' });
  await page.getByRole('combobox', { name: 'Fd type' }).selectOption('unixsk');
  const row8 = fds.locator('tr[data-key="8"]');
  await expect(row8).toContainText('unix stream socket');
  const toPeer = row8.getByRole('button', { name: /^Go to pid \d+ fd 9$/ });
  const childPid = Number((await toPeer.textContent())!.match(/pid (\d+)/)![1]);
  expect(childPid).not.toBe(parentPid);
  await toPeer.click();
  await expect(page.getByLabel(`Process ${childPid}`)).toBeVisible();
  const focused = page.getByLabel(`Process ${childPid}`).getByRole('table', { name: 'Open files' }).locator('tr.focused');
  await expect(focused).toHaveAttribute('data-key', '9');
  // And back, from the sockets tab.
  await page.getByRole('tab', { name: /Sockets/ }).click();
  await page.getByRole('table', { name: 'Sockets' }).getByRole('button', { name: `Go to pid ${parentPid} fd 8` }).first().click();
  await expect(page.getByLabel(`Process ${parentPid}`).locator('tr.focused')).toHaveAttribute('data-key', '8');

  // The secret is masked until revealed; a copy carries only what is shown.
  const env = page.getByLabel(`Process ${parentPid}`).getByRole('table', { name: 'Environment' });
  await expect(env).toContainText('STASIS_SECRET');
  await expect(env).not.toContainText(SECRET);
  await page.getByRole('button', { name: 'Copy Environment as text' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).not.toContain(SECRET);
  await env.getByRole('button', { name: 'Reveal STASIS_SECRET' }).click();
  await expect(env).toContainText(SECRET);

  await page.getByRole('combobox', { name: 'Fd type' }).selectOption('unixsk');
  await page.getByRole('button', { name: 'Copy Open files as JSON' }).click();
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as Array<{ fd: number; type: string }>;
  expect(copied.map((f) => f.fd)).toContain(8);
  expect(copied.every((f) => f.type === 'unixsk')).toBe(true);

  await page.getByRole('tab', { name: 'Statistics' }).click();
  await expect(page.getByRole('figure', { name: 'Where the freeze time went' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'CRIU statistics' })).toContainText('Pages written');
});

test('a newcomer opens the sample from the empty state and sees its deleted file flagged', async ({ page, stasis }) => {
  await page.goto(`${stasis.origin}/#/image?token=${stasis.token}`);
  await page.getByRole('link', { name: 'Open the sample' }).click();
  const tree = page.getByRole('tree', { name: 'Process tree' });
  await expect(tree.getByRole('treeitem').first()).toBeVisible({ timeout: 30_000 });
  await tree.getByRole('treeitem').first().click();
  const fds = page.getByLabel(/^Process \d+$/).getByRole('table', { name: 'Open files' });
  await expect(fds.locator('tr.unlinked')).toContainText('/tmp/deleted.txt');
  await page.getByRole('searchbox', { name: 'Search fds' }).fill('fifo');
  await expect(fds).toContainText('/tmp/fifo');
  await expect(fds).not.toContainText('/tmp/notes.txt');
});
