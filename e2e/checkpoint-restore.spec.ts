import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { deleteStoredCheckpoints } from '../test-support/cleanup';
import { test, expect } from './fixtures';

// The whole local loop through the UI, against real podman + runc + CRIU: checkpoint a running container,
// restore it as a new container whose counter goes on, then delete the checkpoint.
const name = `stasis-test-e2e-${process.pid}`;
const restored = `${name}-restored`;
const podman = (...args: string[]): string => execFileSync('podman', args, { encoding: 'utf8', timeout: 60_000 }).trim();

test.beforeAll(() => {
  podman('run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i > /tmp/c; sleep 0.1; done');
});

test.afterAll(() => {
  for (const c of [name, restored]) {
    try {
      podman('rm', '-f', '-t', '0', c);
    } catch {
      // already gone
    }
  }
  // A failed run must not leave its checkpoints in the store.
  deleteStoredCheckpoints((c) => c.container.name === name || c.container.name === restored);
});

test('checkpoint, restore as a new container and delete, from the host screen', async ({ page, stasis }) => {
  test.setTimeout(180_000);
  await page.goto(stasis.url);
  const containers = page.getByRole('table', { name: 'Containers' });
  await expect(containers.getByRole('row', { name: new RegExp(name) })).toBeVisible({ timeout: 30_000 });

  // Let the counter get well past what a fresh start would reach during the checks below.
  await expect.poll(() => Number(podman('exec', name, 'cat', '/tmp/c')), { timeout: 20_000 }).toBeGreaterThan(40);
  await page.getByRole('button', { name: `Checkpoint ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Checkpoint ${name}` });
  await expect(dialog.getByLabel('Leave it running')).toBeChecked();
  await dialog.getByLabel('Note').fill('from the e2e test');
  await dialog.getByRole('button', { name: 'Checkpoint' }).click();

  await expect(page.getByRole('status').filter({ hasText: /Checkpoint ck-.* saved/ })).toBeVisible({ timeout: 90_000 });
  const row = page.getByRole('table', { name: 'Checkpoints' }).getByRole('row', { name: new RegExp(name) }).filter({ hasText: 'from the e2e test' });
  await expect(row).toBeVisible();
  const checkpointId = (await row.locator('.mono').first().textContent())!.trim();
  expect(checkpointId).toMatch(/^ck-/);
  const before = Number(podman('exec', name, 'cat', '/tmp/c'));

  await row.getByRole('button', { name: `Restore ${checkpointId}` }).click();
  const restoreDialog = page.getByRole('dialog', { name: `Restore ${name}` });
  await restoreDialog.getByLabel('Restore as a new container named').fill(restored);
  await restoreDialog.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Restored ${checkpointId} as ${restored}` })).toBeVisible({ timeout: 90_000 });
  await expect(containers.getByRole('row', { name: new RegExp(restored) })).toBeVisible();
  // The restored counter resumes from its checkpointed value; a fresh start would be far below it.
  expect(Number(podman('exec', restored, 'cat', '/tmp/c'))).toBeGreaterThan(before - 30);

  mkdirSync('e2e/artifacts', { recursive: true });
  await page.screenshot({ path: 'e2e/artifacts/checkpoint-restore.png', fullPage: true });

  await row.getByRole('button', { name: `Delete ${checkpointId}` }).click();
  await page.getByRole('dialog', { name: 'Delete checkpoint' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('table', { name: 'Checkpoints' }).getByText(checkpointId)).toHaveCount(0);
});
