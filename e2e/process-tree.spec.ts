import { spawn, type ChildProcess } from 'node:child_process';
import { deleteStoredCheckpoints } from '../test-support/cleanup';
import { test, expect } from './fixtures';

// A plain process tree (no container) checkpointed by PID from the host screen, through real CRIU.
let tree: ChildProcess;

test.beforeAll(() => {
  // detached: its own session (setsid) and no terminal, as a service started from a shell would be.
  tree = spawn('sh', ['-c', 'while :; do sleep 0.2; done'], { stdio: 'ignore', detached: true });
});

test.afterAll(() => {
  // Only while our child still runs: a dead group's number is soon another's (pid_max 32768).
  if (tree.pid && tree.exitCode === null && tree.signalCode === null) {
    try {
      process.kill(-tree.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    // A failed run must not leave its checkpoint in the store.
    deleteStoredCheckpoints((c) => c.container.runtime === 'process' && c.container.id === String(tree.pid));
  }
});

test('checkpoint a process tree by PID, leaving it running, then delete the checkpoint', async ({ page, stasis }) => {
  test.setTimeout(120_000);
  const pid = String(tree.pid);
  await page.goto(stasis.url);
  await page.getByRole('button', { name: 'Checkpoint a process tree…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Checkpoint a process tree' });
  await dialog.getByLabel(/Process ID/).fill(pid);
  await dialog.getByLabel('Note').fill(`tree ${pid}`);
  await dialog.getByRole('button', { name: 'Checkpoint' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Checkpoint ck-.* saved/ })).toBeVisible({ timeout: 60_000 });
  const row = page.getByRole('table', { name: 'Checkpoints' }).getByRole('row').filter({ hasText: `tree ${pid}` });
  await expect(row).toContainText('process');
  // Left running: the tree is still alive after the dump.
  expect(() => process.kill(tree.pid!, 0)).not.toThrow();
  const id = (await row.locator('.mono').first().textContent())!.trim();
  await row.getByRole('button', { name: `Delete ${id}` }).click();
  await page.getByRole('dialog', { name: 'Delete checkpoint' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('table', { name: 'Checkpoints' }).getByText(id)).toHaveCount(0);
});
