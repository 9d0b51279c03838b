import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteStoredCheckpoints, removePodmanContainers } from '../test-support/cleanup';
import { links } from '../renderer/src/router';
import { test, expect } from './fixtures';

// Issue 12, as a new user met it, on this computer with real podman + CRIU:
//  item 1: a process started with `podman exec` is named before the checkpoint, which needs "Checkpoint anyway";
//          the stored checkpoint says what it left out (checkpoint list, image browser) and where it lives (item 2);
//  item 8: comparing a checkpoint with itself, or with a byte-identical copy, says so;
//  item 9: Stop / Start / Restore… / Remove… on the container's row;
//  item 3: a restore under a name that is taken keeps the dialog open with the runtime's words under the field.
const name = `stasis-test-g-${process.pid}`;
const other = `${name}-other`;
const podman = (...args: string[]): string => execFileSync('podman', args, { encoding: 'utf8', timeout: 60_000 }).trim();
let dir = '';
/** The checkpoint the first test takes, for the pickers in the last one. */
let taken = '';
/** A route of the app with the server's token (as the app keeps it on any route). */
const at = (stasis: { origin: string; token: string }, route: string): string => `${stasis.origin}/${route}${route.includes('?') ? '&' : '?'}token=${stasis.token}`;

test.beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'stasis-e2e-g-'));
  podman('run', '-d', '--name', name, '--stop-timeout', '1', '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c', 'sleep 1001 & wait');
  podman('run', '-d', '--name', other, '--stop-timeout', '1', '--network', 'none', 'localhost/stasis-busybox:latest', 'sleep', '1002');
  podman('exec', '-d', name, 'sleep', '2002');
});

test.afterAll(() => {
  removePodmanContainers([name, other]);
  deleteStoredCheckpoints((c) => c.container.name === name);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test.describe.configure({ mode: 'serial' });

test('a process started with podman exec is named before the checkpoint and recorded after it', async ({ page, stasis }) => {
  test.setTimeout(120_000);
  await page.goto(at(stasis, links.host('local')));
  await page.getByRole('button', { name: `Checkpoint ${name} on this computer` }).click();
  const dialog = page.getByRole('dialog', { name: `Checkpoint ${name}` });
  const warning = dialog.getByRole('alert', { name: 'Processes the checkpoint leaves out' });
  await expect(warning).toContainText('1 process in this container will not be checkpointed');
  await expect(warning).toContainText('podman exec');
  await expect(warning).toContainText('sleep 2002');
  const go = dialog.getByRole('button', { name: 'Checkpoint anyway' });
  await expect(go).toBeDisabled();
  await warning.getByLabel('Checkpoint anyway, without these processes').check();
  await go.click();
  await expect(page.getByRole('status').filter({ hasText: /Checkpoint ck-.* saved/ })).toBeVisible({ timeout: 90_000 });

  const row = page.getByRole('table', { name: 'Checkpoints' }).getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText(/Left out: PID \d+ \(sleep\)/);
  const checkpointId = (await row.locator('.mono').first().textContent())!.trim();
  taken = checkpointId;

  await row.getByRole('link', { name: `Look inside ${checkpointId}` }).click();
  await expect(page.getByText(/Stored on this computer at \/var\/lib\/stasis\/hosts\/[^/]+\/checkpoints\/ck-[a-z0-9-]+\/archive\.tar/)).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.stored-where')).toContainText(/Left out: PID \d+ \(sleep\)/);

  await page.goto(at(stasis, links.diffStored('local', checkpointId, checkpointId)));
  await expect(page.getByLabel('Diff summary')).toHaveText(/Both sides are the same file/, { timeout: 30_000 });

  // Two files with the same bytes: a copy of one exported checkpoint.
  const a = path.join(dir, 'a.tar');
  const b = path.join(dir, 'b.tar');
  podman('container', 'checkpoint', '--leave-running', '--export', a, other);
  copyFileSync(a, b);
  await page.goto(at(stasis, links.diffFiles(a, b)));
  await expect(page.getByLabel('Diff summary')).toHaveText(/same content byte for byte/, { timeout: 30_000 });
});

test('stop, a restore under a taken name, restore, start and remove from the container row', async ({ page, stasis }) => {
  test.setTimeout(120_000);
  await page.goto(at(stasis, links.host('local')));
  const containers = page.getByRole('table', { name: 'Containers' });
  const row = containers.getByRole('row', { name: new RegExp(`^${name} `) });
  await row.getByRole('button', { name: `Stop ${name} on this computer` }).click();
  await expect(row).toContainText('exited', { timeout: 60_000 });

  await row.getByRole('button', { name: `Restore ${name} on this computer from its last checkpoint` }).click();
  const dialog = page.getByRole('dialog', { name: `Restore ${name}` });
  await dialog.getByLabel('Restore as a new container named').fill(other);
  await dialog.getByRole('button', { name: 'Restore' }).click();
  const error = dialog.getByRole('alert');
  await expect(error).toContainText(`A container named "${other}" already exists`, { timeout: 60_000 });
  await expect(error).toContainText('is already in use'); // the runtime's own words, as the detail
  await expect(dialog.getByLabel('Restore as a new container named')).toHaveValue(other);

  await dialog.getByLabel('Restore as a new container named').fill('');
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  await expect(row).toContainText('running', { timeout: 60_000 });

  await row.getByRole('button', { name: `Stop ${name} on this computer` }).click();
  await expect(row).toContainText('exited', { timeout: 60_000 });
  await row.getByRole('button', { name: `Start ${name} on this computer` }).click();
  await expect(row).toContainText('running', { timeout: 60_000 });

  await row.getByLabel(`More actions for ${name} on this computer`).click();
  await row.getByRole('menuitem', { name: `Remove ${name} on this computer…` }).click();
  const confirm = page.getByRole('dialog', { name: `Remove ${name}?` });
  await expect(confirm).toContainText('It is running: it will be stopped first');
  await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(row).toBeHidden({ timeout: 60_000 });
  expect(podman('ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Names}}')).toBe('');
});

// Item 11: Look inside and Compare pick stored checkpoints from a list; an old error goes when its path is cleared.
test('stored checkpoints are picked from a list; a cleared path takes its error with it', async ({ page, stasis }) => {
  test.setTimeout(120_000);
  expect(taken).toMatch(/^ck-/);
  await page.goto(at(stasis, links.image()));
  await page.getByLabel('Stored checkpoint to look inside').selectOption(`local\u0000${taken}`);
  await expect(page.getByText(`${taken} on this computer`)).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.stored-where')).toContainText('Stored on this computer');

  await page.goto(at(stasis, links.diff()));
  await page.getByLabel('Older stored checkpoint').selectOption(`local\u0000${taken}`);
  await page.getByLabel('Newer stored checkpoint').selectOption(`local\u0000${taken}`);
  await page.getByRole('button', { name: 'Compare stored' }).click();
  await expect(page.getByLabel('Diff summary')).toHaveText(/Both sides are the same file/, { timeout: 60_000 });

  await page.goto(at(stasis, links.imageFile('/nonexistent/stasis-g.tar')));
  const error = page.getByRole('alert').filter({ hasText: /nonexistent/ });
  await expect(error).toBeVisible({ timeout: 30_000 });
  await page.getByLabel('Checkpoint path').fill('');
  await expect(error).toBeHidden();
});

// Item 13: the process-tree dialog speaks of process trees and finds the process on the host by name.
test('a process tree is picked from the host processes', async ({ page, stasis }) => {
  test.setTimeout(60_000);
  const pid = podman('container', 'inspect', '--format', '{{.State.Pid}}', other);
  await page.goto(at(stasis, links.host('local')));
  await page.getByRole('button', { name: 'Checkpoint a process tree…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Checkpoint a process tree' });
  await expect(dialog).toContainText('checkpoints of this process tree');
  await dialog.getByLabel('Find a process').fill('sleep 1002');
  const list = dialog.getByLabel('Processes on this host');
  await expect(list.locator('option', { hasText: 'sleep 1002' })).toHaveCount(1, { timeout: 30_000 });
  await list.selectOption(pid);
  await expect(dialog.getByLabel(/^Process ID/)).toHaveValue(pid);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});
