import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { deleteStoredCheckpoints, removePodmanContainers } from '../test-support/cleanup';
import { test, expect } from './fixtures';

// The app's "Migrate…" (issue 9 item 6) in Chromium through browser mode, against the real backend and the SSH test
// hosts: a podman counter container moves from stasis-a to stasis-b through the dialog (checklist, progress, summary)
// and afterwards runs on stasis-b only.
const HOSTS_DIR = process.env['STASIS_TEST_HOSTS'] ?? '/srv/stasis-hosts';
const SSH_CONFIG = `${HOSTS_DIR}/ssh_config`;
const HELPER = '/usr/local/libexec/stasis/stasis-helper';
const name = `kmig-${process.pid}`;
const SHOTS = 'test-results/screenshots';
const COUNTER = 'i=0; while true; do i=$((i+1)); echo $i > /tmp/c; sleep 0.1; done';

const ssh = (host: string, ...args: string[]): string => execFileSync('ssh', ['-F', SSH_CONFIG, host, ...args], { encoding: 'utf8', timeout: 120_000 }).trim();
const runningOn = (host: string): string[] => ssh(host, 'podman', 'ps', '--format', '{{.Names}}').split('\n').filter((n) => n === name);

test.use({ sshConfigFile: SSH_CONFIG, viewport: { width: 1440, height: 900 } });

test.beforeAll(() => {
  if (!existsSync(SSH_CONFIG)) throw new Error(`no SSH test hosts in ${HOSTS_DIR}: run "bash ci/ssh-hosts.sh up" as root`);
  ssh('stasis-a', 'podman', 'run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c', `'${COUNTER}'`);
  mkdirSync(SHOTS, { recursive: true });
});

test.afterAll(() => {
  for (const host of ['stasis-a', 'stasis-b']) {
    removePodmanContainers([name], ['ssh', '-F', SSH_CONFIG, host, 'podman']);
    deleteStoredCheckpoints((c) => c.container.name === name, ['ssh', '-F', SSH_CONFIG, host, HELPER]);
  }
});

test('Migrate… moves a podman counter from stasis-a to stasis-b: checklist, progress, summary; it runs on stasis-b only', async ({ page, stasis }) => {
  test.setTimeout(240_000);
  await page.goto(`${stasis.origin}/#/containers?q=${name}&token=${stasis.token}`);
  const table = page.getByRole('table', { name: 'All containers' });
  const row = table.getByRole('row').filter({ hasText: name }).filter({ has: page.getByRole('link', { name: 'stasis-a', exact: true }) });
  await expect(row).toContainText('running', { timeout: 60_000 });
  await row.getByRole('button', { name: `Migrate ${name} on stasis-a…`, exact: true }).click();

  const dialog = page.getByRole('dialog', { name: `Migrate ${name} from stasis-a` });
  await expect(dialog).toBeVisible();
  // Esc closes it; the keyboard opens it again (the row's button is focusable).
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await row.getByRole('button', { name: `Migrate ${name} on stasis-a…`, exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();

  await dialog.getByLabel('Destination host').selectOption('stasis-b');
  const checklist = dialog.getByRole('region', { name: 'Preflight checklist' });
  await expect(checklist).toBeVisible({ timeout: 90_000 });
  await expect(checklist.getByRole('row')).not.toHaveCount(1);
  await expect(checklist).toContainText('Strategy:');
  const start = dialog.getByRole('button', { name: 'Start migration' });
  // A fixable check (the image is missing there) is offered as a fix; after it, every check must pass.
  const copy = checklist.getByRole('button', { name: 'Copy the image to the destination' });
  if (await copy.isVisible()) await copy.click();
  await expect(start).toBeEnabled({ timeout: 90_000 });
  await expect(checklist.locator('tr[data-verdict="fail"]')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/migrate-dialog-checklist.png` });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${SHOTS}/migrate-dialog-checklist-dark.png` });
  await page.emulateMedia({ colorScheme: 'light' });

  await start.click();
  // Live phases from migrationProgress, with the cancel that says what it would do.
  await expect(dialog.getByRole('list', { name: 'Phases so far' }).getByRole('listitem').first()).toBeVisible({ timeout: 60_000 });
  const summary = dialog.getByRole('region', { name: 'Migration summary' });
  await expect(summary).toBeVisible({ timeout: 180_000 });
  await expect(summary).toContainText('Runs on');
  await expect(summary).toContainText(`stasis-b as ${name}`);
  await expect(summary).toContainText('Downtime');
  await expect(summary).toContainText('Total time');
  await expect(summary).toContainText(/Bytes on the wire\s*\d+(\.\d+)? (B|KiB|MiB)/);
  await page.screenshot({ path: `${SHOTS}/migrate-dialog-summary.png` });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${SHOTS}/migrate-dialog-summary-dark.png` });
  await page.emulateMedia({ colorScheme: 'light' });
  await summary.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  // Its history: the move and the checkpoint on both hosts (one lineage), on the container's timeline.
  const rowB = table.getByRole('row').filter({ hasText: name }).filter({ has: page.getByRole('link', { name: 'stasis-b', exact: true }) });
  await rowB.getByRole('link', { name: `Timeline of ${name} on stasis-b`, exact: true }).click({ timeout: 60_000 });
  const timeline = page.getByRole('table', { name: 'Timeline' });
  await expect(timeline.getByRole('row').filter({ hasText: 'migrate' })).toContainText('stasis-a', { timeout: 30_000 });
  await expect(timeline.getByRole('row').filter({ hasText: 'checkpoint' }).filter({ has: page.getByText('stasis-b', { exact: true }) }).first()).toBeVisible();
  await expect(timeline.getByRole('row').filter({ hasText: 'checkpoint' }).filter({ has: page.getByText('stasis-a', { exact: true }) }).first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/migrate-timeline.png` });

  // On the hosts: running on stasis-b, not on stasis-a, and it goes on counting there.
  expect(runningOn('stasis-b')).toEqual([name]);
  expect(runningOn('stasis-a')).toEqual([]);
  const count = (): number => Number(ssh('stasis-b', 'podman', 'exec', name, 'cat', '/tmp/c'));
  const first = count();
  await expect.poll(count, { timeout: 30_000 }).toBeGreaterThan(first);
});
