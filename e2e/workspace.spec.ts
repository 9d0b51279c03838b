import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { deleteStoredCheckpoints, removePodmanContainers } from '../test-support/cleanup';
import { test, expect } from './fixtures';

// The app as a workspace (issue 10), in Chromium through browser mode, against the real backend, podman on this
// computer and the SSH test hosts: the all-hosts table, checkpoints on a timeline, compare and restore from it, a
// job's progress and cancel, back/forward, deep links with the token, and screenshots of every main screen.
const HOSTS_DIR = process.env['STASIS_TEST_HOSTS'] ?? '/srv/stasis-hosts';
const SSH_CONFIG = `${HOSTS_DIR}/ssh_config`;
const HELPER = '/usr/local/libexec/stasis/stasis-helper';
const tag = `stasis-test-e2e-ws-${process.pid}`;
const onA = `${tag}-a`;
const onB = `${tag}-b`;
const restored = `${tag}-r`;
const restoredOnB = `${tag}-rb`;
const big = `${tag}-big`;
const small = `${tag}-small`;
const SHOTS = 'test-results/screenshots';
const COUNTER = 'i=0; while true; do i=$((i+1)); echo $i > /tmp/c; sleep 0.1; done';
// ssh hands its arguments to the remote shell: the script goes quoted.
const quoted = (script: string): string => `'${script}'`;

const ssh = (host: string, ...args: string[]): string => execFileSync('ssh', ['-F', SSH_CONFIG, host, ...args], { encoding: 'utf8', timeout: 120_000 }).trim();
const podman = (...args: string[]): string => execFileSync('podman', args, { encoding: 'utf8', timeout: 120_000 }).trim();
let dir = '';

test.use({ sshConfigFile: SSH_CONFIG, viewport: { width: 1440, height: 900 } });
test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  if (!existsSync(SSH_CONFIG)) throw new Error(`no SSH test hosts in ${HOSTS_DIR}: run "bash ci/ssh-hosts.sh up" as root`);
  dir = mkdtempSync(path.join(tmpdir(), 'stasis-e2e-ws-'));
  ssh('stasis-a', 'podman', 'run', '-d', '--name', onA, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c', quoted(COUNTER));
  ssh('stasis-b', 'podman', 'run', '-d', '--name', onB, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c', quoted(COUNTER));
  // 160 MB of random bytes in the container's file system: its checkpoint (with gzip) takes long enough to cancel.
  podman('run', '-d', '--name', big, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c', 'head -c 160000000 /dev/urandom > /big; while true; do sleep 1; done');
  podman('run', '-d', '--name', small, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c', COUNTER);
  podman('container', 'checkpoint', '--leave-running', '--export', path.join(dir, 'small.tar.zst'), '--compress', 'zstd', small);
});

test.afterAll(() => {
  removePodmanContainers([onA, restored], ['ssh', '-F', SSH_CONFIG, 'stasis-a', 'podman']);
  removePodmanContainers([onB, restoredOnB], ['ssh', '-F', SSH_CONFIG, 'stasis-b', 'podman']);
  removePodmanContainers([big, small]);
  const mine = (c: { container: { name: string } }): boolean => c.container.name.startsWith(tag);
  deleteStoredCheckpoints(mine, ['ssh', '-F', SSH_CONFIG, 'stasis-a', HELPER]);
  deleteStoredCheckpoints(mine, ['ssh', '-F', SSH_CONFIG, 'stasis-b', HELPER]);
  deleteStoredCheckpoints(mine);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens a route in this tab: the token is already kept in the tab's sessionStorage. */
async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
}

let lineage = '';
const ids: string[] = [];

test('all containers: one table with the containers of two SSH hosts, searchable and filtered by host', async ({ page, stasis }) => {
  test.setTimeout(120_000);
  await page.goto(stasis.url);
  // The printed #token=T is taken out of the address at once.
  await expect.poll(() => page.url()).not.toContain('token');
  await page.getByRole('link', { name: 'All containers' }).click();
  await expect(page).toHaveURL(/#\/containers$/);
  const table = page.getByRole('table', { name: 'All containers' });
  // stasis-a-op is the same machine as stasis-a (another login), so its containers show under both names.
  const rowA = table.getByRole('row').filter({ hasText: onA }).filter({ has: page.getByRole('link', { name: 'stasis-a', exact: true }) });
  const rowB = table.getByRole('row').filter({ hasText: onB }).filter({ has: page.getByRole('link', { name: 'stasis-b', exact: true }) });
  await expect(rowA).toContainText('stasis-a', { timeout: 60_000 });
  await expect(rowB).toContainText('stasis-b', { timeout: 60_000 });
  await expect(rowA).toContainText('running');
  await expect(rowA).toContainText('podman');
  await expect(rowA).toContainText('stasis-busybox');
  await expect(rowA.getByRole('cell', { name: 'yes' })).toBeVisible();

  // `/` focuses the search; the filters are part of the address, so a filtered view is a link.
  await page.keyboard.press('/');
  await expect(page.getByLabel('Search containers')).toBeFocused();
  await page.keyboard.type(tag);
  await expect(table.getByRole('row').filter({ hasNotText: tag })).toHaveCount(1);
  // This computer may still be answering while the SSH hosts already show: it is not waited for.
  await expect(table.getByRole('row').filter({ hasText: big })).toHaveCount(1, { timeout: 90_000 });
  await page.getByLabel('Filter by host').selectOption('stasis-b');
  await expect(page).toHaveURL(/host=stasis-b/);
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(rowB).toBeVisible();
  await page.goBack();
  await expect(table.getByRole('row').filter({ hasText: big })).toHaveCount(1);
  await expect(rowA).toBeVisible();
});

test('checkpoint twice, the timeline shows both with their sizes; compare them and restore one from it', async ({ page, stasis }) => {
  test.setTimeout(240_000);
  await page.goto(`${stasis.origin}/#/containers?q=${onA}&token=${stasis.token}`);
  await expect.poll(() => page.url()).toBe(`${stasis.origin}/#/containers?q=${onA}`);
  const table = page.getByRole('table', { name: 'All containers' });
  const row = table.getByRole('row').filter({ hasText: onA }).filter({ has: page.getByRole('link', { name: 'stasis-a', exact: true }) });
  await expect(row).toBeVisible({ timeout: 60_000 });
  for (const note of ['first', 'second']) {
    await page.getByRole('button', { name: `Checkpoint ${onA} on stasis-a`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Checkpoint ${onA}` });
    await dialog.getByLabel('Note').fill(note);
    await dialog.getByRole('button', { name: 'Checkpoint' }).click();
    const saved = page.getByRole('status').filter({ hasText: new RegExp(`Checkpoint ck-\\S+ of ${onA} saved on stasis-a`) });
    await expect(saved).toBeVisible({ timeout: 120_000 });
    ids.push(/Checkpoint (ck-\S+) of/.exec((await saved.textContent())!)![1]!);
    await saved.getByRole('button', { name: 'Dismiss' }).click();
    await expect(saved).toBeHidden();
  }
  // The table refreshes by itself after the job: two checkpoints, and a way to the timeline.
  await expect(row).toContainText(/just now|min ago/, { timeout: 30_000 });
  await row.getByRole('link', { name: `Timeline of ${onA} on stasis-a`, exact: true }).click();
  await expect(page.getByRole('heading', { name: `Timeline of ${onA}` })).toBeVisible();
  lineage = decodeURIComponent(/#\/timeline\/([^?]+)/.exec(page.url())![1]!);

  const timeline = page.getByRole('table', { name: 'Timeline' });
  for (const [i, id] of ids.entries()) {
    const r = timeline.getByRole('row').filter({ has: page.getByLabel(`Pick ${id}`) });
    await expect(r).toContainText(i === 0 ? 'first' : 'second');
    await expect(r).toContainText(/\d+(\.\d)? (KiB|MiB)/);
    await expect(r).toContainText('stasis-a');
  }
  await expect(page.getByRole('img', { name: /Checkpoint sizes, memory and frozen time/ })).toBeVisible();

  // Two picked: compare, then come back with Back.
  await page.getByLabel(`Pick ${ids[0]}`).check();
  await page.getByLabel(`Pick ${ids[1]}`).check();
  await page.getByRole('toolbar', { name: 'Picked checkpoints' }).getByRole('button', { name: 'Compare' }).click();
  await expect(page).toHaveURL(new RegExp(`#/diff\\?hostId=stasis-a&before=${ids[0]}&after=${ids[1]}`));
  await expect(page.getByLabel('Diff summary')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('table', { name: 'Memory growth' })).toContainText('sh');
  await page.goBack();
  await expect(page.getByRole('heading', { name: `Timeline of ${onA}` })).toBeVisible();

  // One picked: restore it on its host under a new name.
  await page.getByLabel(`Pick ${ids[0]}`).check();
  await page.getByRole('toolbar', { name: 'Picked checkpoints' }).getByRole('button', { name: 'Restore…' }).click();
  const dialog = page.getByRole('dialog', { name: `Restore ${onA}` });
  await dialog.getByLabel('Restore as a new container named').fill(restored);
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(dialog).toBeHidden({ timeout: 120_000 });
  await expect(page.getByRole('status').filter({ hasText: `Restored ${ids[0]} as ${restored}` })).toBeVisible();
  await expect.poll(() => ssh('stasis-a', 'podman', 'inspect', '-f', '{{.State.Status}}', restored)).toBe('running');
  // The restore is on the timeline too.
  await expect(timeline.getByRole('row').filter({ hasText: 'restore' })).toBeVisible();
});

test('a job shows its phase, bytes and percentage of the expected total, and cancels', async ({ page, stasis }) => {
  test.setTimeout(240_000);
  await page.goto(`${stasis.origin}/#/hosts/local?token=${stasis.token}`);
  const containers = page.getByRole('table', { name: 'Containers' });
  await expect(containers.getByRole('row').filter({ hasText: big })).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => podman('exec', big, 'stat', '-c', '%s', '/big'), { timeout: 60_000 }).toBe('160000000');
  const start = async (): Promise<void> => {
    await page.getByRole('button', { name: `Checkpoint ${big}` }).click();
    const dialog = page.getByRole('dialog', { name: `Checkpoint ${big}` });
    await dialog.getByLabel('Compression').selectOption('gzip');
    await dialog.getByRole('button', { name: 'Checkpoint' }).click();
  };
  // The first one finishes: its size is what the second is expected to reach.
  await start();
  await expect(page.getByRole('status').filter({ hasText: new RegExp(`Checkpoint ck-\\S+ of ${big} saved`) })).toBeVisible({ timeout: 180_000 });
  await expect(page.getByRole('table', { name: 'Checkpoints' }).getByRole('row').filter({ hasText: big })).toHaveCount(1, { timeout: 30_000 });

  await start();
  // The job goes on while the user goes elsewhere; the sidebar's badge counts it.
  await page.getByRole('link', { name: /^Jobs, 1 running/ }).click();
  const job = page.getByRole('listitem', { name: `Checkpoint of ${big} on this computer` }).filter({ hasText: 'running' });
  await expect(job).toBeVisible();
  await expect(job).toContainText(/dump · [\d.]+ (B|KiB|MiB) of ~[\d.]+ MiB \(\d+ %\)/, { timeout: 60_000 });
  await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /\d+/);
  await job.getByRole('button', { name: `Cancel Checkpoint of ${big} on this computer` }).click();
  const cancelled = page.getByRole('listitem', { name: `Checkpoint of ${big} on this computer` }).filter({ hasText: 'cancelled' });
  await expect(cancelled).toBeVisible({ timeout: 60_000 });
  await cancelled.getByRole('button', { name: 'Log' }).click();
  await expect(page.getByLabel(`Log of Checkpoint of ${big} on this computer`, { exact: true }).last()).toContainText('Cancel asked.');
  await expect(page.getByRole('link', { name: 'Jobs' })).toBeVisible();
  // The container goes on running, and only the first checkpoint is stored.
  expect(podman('inspect', '-f', '{{.State.Status}}', big)).toBe('running');
  // The jobs page with a finished and a cancelled job, for the screenshots.
  mkdirSync(SHOTS, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `${SHOTS}/jobs-with-jobs-${scheme}-1440x900.png` });
  }
});

test('back and forward move between routes', async ({ page, stasis }) => {
  await page.goto(stasis.url);
  await page.getByRole('link', { name: 'All containers' }).click();
  await expect(page.getByRole('heading', { name: 'All containers' })).toBeVisible();
  await page.getByRole('link', { name: 'Jobs' }).click();
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
  await page.getByRole('link', { name: /^stasis-b / }).click();
  await expect(page.getByRole('heading', { name: 'stasis-b' })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'All containers' })).toBeVisible();
  await page.goForward();
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
  await page.goForward();
  await expect(page.getByRole('heading', { name: 'stasis-b' })).toBeVisible();
  expect(page.url()).toMatch(/#\/hosts\/stasis-b$/);
});

test('a deep link to each route opens it in a new tab, with the token as a parameter taken out of the address', async ({ context, stasis }) => {
  test.setTimeout(120_000);
  const file = path.join(dir, 'small.tar.zst');
  const links: Array<[string, (p: Page) => Promise<void>]> = [
    ['#/', async (p) => expect(p.getByRole('heading', { name: 'This computer' })).toBeVisible()],
    ['#/hosts/stasis-a', async (p) => expect(p.getByRole('heading', { name: 'stasis-a' })).toBeVisible()],
    ['#/containers?q=stasis', async (p) => expect(p.getByLabel('Search containers')).toHaveValue('stasis')],
    [`#/timeline/${encodeURIComponent(lineage)}`, async (p) => expect(p.getByRole('table', { name: 'Timeline' }).getByRole('row')).toHaveCount(1 + ids.length, { timeout: 60_000 })],
    ['#/jobs', async (p) => expect(p.getByRole('heading', { name: 'Jobs' })).toBeVisible()],
    [`#/image?path=${encodeURIComponent(file)}`, async (p) => expect(p.getByRole('tree', { name: 'Process tree' }).getByRole('treeitem').first()).toBeVisible({ timeout: 60_000 })],
    [`#/image?hostId=stasis-a&checkpointId=${ids[1]}`, async (p) => expect(p.getByRole('tree', { name: 'Process tree' }).getByRole('treeitem').first()).toBeVisible({ timeout: 60_000 })],
    [`#/diff?a=${encodeURIComponent(file)}&b=${encodeURIComponent(file)}`, async (p) => expect(p.getByLabel('Diff summary')).toBeVisible({ timeout: 60_000 })],
    [`#/diff?hostId=stasis-a&before=${ids[0]}&after=${ids[1]}`, async (p) => expect(p.getByLabel('Diff summary')).toBeVisible({ timeout: 60_000 })],
    ['#/ssh-config', async (p) => expect(p.getByRole('heading', { name: /^Hosts in / })).toBeVisible()],
    ['#/welcome', async (p) => expect(p.getByRole('heading', { name: 'Welcome to Stasis' })).toBeVisible()],
    ['#/no-such-page', async (p) => expect(p.getByRole('heading', { name: 'Nothing here' })).toBeVisible()],
  ];
  for (const [hash, check] of links) {
    const tab = await context.newPage();
    const sep = hash.includes('?') ? '&' : '?';
    await tab.goto(`${stasis.origin}/${hash}${sep}token=${stasis.token}`);
    await check(tab);
    expect(tab.url(), hash).toBe(`${stasis.origin}/${hash}`);
    if (hash === '#/jobs') {
      // The token stays with the tab: a reload still works.
      await tab.reload();
      await check(tab);
    }
    await tab.close();
  }
});

test('restore from the timeline on another host: copied there, restored there; compare the two hosts’ checkpoints', async ({ page, stasis }) => {
  test.setTimeout(180_000);
  await page.goto(`${stasis.origin}/#/timeline/${encodeURIComponent(lineage)}?token=${stasis.token}`);
  const timeline = page.getByRole('table', { name: 'Timeline' });
  await expect(timeline.getByRole('row')).toHaveCount(1 + ids.length, { timeout: 60_000 });
  await page.getByLabel(`Pick ${ids[1]}`).check();
  await page.getByRole('toolbar', { name: 'Picked checkpoints' }).getByRole('button', { name: 'Restore…' }).click();
  const dialog = page.getByRole('dialog', { name: `Restore ${onA}` });
  await expect(dialog.getByLabel('Restore on host')).toHaveValue('stasis-a');
  await dialog.getByLabel('Restore on host').selectOption('stasis-b');
  await dialog.getByLabel('Restore as a new container named').fill(restoredOnB);
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(dialog).toBeHidden({ timeout: 120_000 });
  await expect(page.getByRole('status').filter({ hasText: `Restored ${ids[1]} as ${restoredOnB} on stasis-b` })).toBeVisible();
  await expect.poll(() => ssh('stasis-b', 'podman', 'inspect', '-f', '{{.State.Status}}', restoredOnB)).toBe('running');
  // stasis-b now stores its own copy, on the same timeline; the two hosts' checkpoints compare page-less.
  const second = (host: string) => timeline.getByRole('row').filter({ has: page.getByLabel(`Pick ${ids[1]}`) }).filter({ hasText: host });
  await expect(second('stasis-b')).toBeVisible({ timeout: 60_000 });
  await second('stasis-a').getByLabel(`Pick ${ids[1]}`).uncheck();
  await page.getByLabel(`Pick ${ids[0]}`).check();
  await second('stasis-b').getByLabel(`Pick ${ids[1]}`).check();
  await page.getByRole('toolbar', { name: 'Picked checkpoints' }).getByRole('button', { name: 'Compare' }).click();
  await expect(page).toHaveURL(new RegExp(`#/diff\\?hostId=stasis-a&before=${ids[0]}&after=${ids[1]}&afterHostId=stasis-b`));
  await expect(page.getByLabel('Diff summary')).toBeVisible({ timeout: 60_000 });
});

test('screenshots of every main screen, light and dark, at 1024×700 and 1440×900, with nothing wider than its pane', async ({ page, stasis }) => {
  test.setTimeout(240_000);
  mkdirSync(SHOTS, { recursive: true });
  await page.goto(stasis.url);
  const screens: Array<[string, string, (p: Page) => Promise<void>]> = [
    ['this-computer', '#/hosts/local', async (p) => expect(p.getByRole('table', { name: 'Containers' })).toBeVisible({ timeout: 60_000 })],
    ['ssh-host', '#/hosts/stasis-a', async (p) => expect(p.getByRole('table', { name: 'Checkpoints' })).toBeVisible({ timeout: 60_000 })],
    ['containers', '#/containers', async (p) => expect(p.getByRole('table', { name: 'All containers' }).getByRole('row').filter({ hasText: onB }).first()).toBeVisible({ timeout: 60_000 })],
    ['timeline', `#/timeline/${encodeURIComponent(lineage)}`, async (p) => expect(p.getByRole('img', { name: /Checkpoint sizes/ })).toBeVisible({ timeout: 60_000 })],
    ['jobs', '#/jobs', async (p) => expect(p.getByRole('heading', { name: 'Jobs' })).toBeVisible()],
    ['image', `#/image?hostId=stasis-a&checkpointId=${ids[1]}`, async (p) => expect(p.getByRole('tree', { name: 'Process tree' }).getByRole('treeitem').first()).toBeVisible({ timeout: 60_000 })],
    ['diff', `#/diff?hostId=stasis-a&before=${ids[0]}&after=${ids[1]}`, async (p) => expect(p.getByRole('table', { name: 'Memory growth' })).toBeVisible({ timeout: 60_000 })],
    ['welcome', '#/welcome', async (p) => expect(p.getByRole('list', { name: 'Readiness of this computer' })).toBeVisible({ timeout: 60_000 })],
    ['ssh-config', '#/ssh-config', async (p) => expect(p.getByRole('table')).toBeVisible()],
  ];
  for (const [width, height] of [
    [1024, 700],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [name, hash, ready] of screens) {
        await go(page, hash);
        await ready(page);
        // No page-wide horizontal scroll: wide tables scroll inside their own box.
        await expect.poll(() => page.evaluate(() => document.querySelector('main')!.scrollWidth - document.querySelector('main')!.clientWidth), { message: `${name} ${width}` }).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `${SHOTS}/${name}-${scheme}-${width}x${height}.png` });
      }
    }
  }
});

test('a lost server shows at once, on every page, with no host left green', async ({ page }) => {
  // A server of this test's own, so stopping it leaves the other tests' server alone.
  const home = mkdtempSync(path.join(tmpdir(), 'stasis-e2e-ws-lost-'));
  const child = spawn(process.execPath, ['dist/node/serve.mjs', '--port', '0', '--no-open', '--ssh-config', SSH_CONFIG], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, XDG_CONFIG_HOME: home },
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /^(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)$/m.exec(out);
        if (m) resolve(m[1]!);
      });
    });
    await page.goto(url);
    await expect(page.getByRole('link', { name: /^This computer ready/ })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('alert', { name: 'Connection lost' })).toHaveCount(0);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    // No click needed: the page says so by itself, and no host stays green.
    await expect(page.getByRole('alert', { name: 'Connection lost' })).toBeVisible({ timeout: 10_000 });
    await expect(page.getByRole('link', { name: /^This computer no server/ })).toBeVisible();
    await page.getByRole('link', { name: 'All containers' }).click();
    await expect(page.getByRole('alert', { name: 'Connection lost' })).toBeVisible();
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  }
});
