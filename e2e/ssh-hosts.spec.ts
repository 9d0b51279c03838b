import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { test, expect } from './fixtures';

// Browser mode against the real SSH test hosts (ci/ssh-hosts.sh): each is an sshd with its own podman storage.
const HOSTS_DIR = process.env['STASIS_TEST_HOSTS'] ?? '/srv/stasis-hosts';
const SSH_CONFIG = `${HOSTS_DIR}/ssh_config`;
const name = `stasis-test-e2e-ssh-${process.pid}`;
const onB = (...args: string[]): string => execFileSync('ssh', ['-F', SSH_CONFIG, 'stasis-b', ...args], { encoding: 'utf8', timeout: 60_000 }).trim();

test.use({ sshConfigFile: SSH_CONFIG });

test.beforeAll(() => {
  if (!existsSync(SSH_CONFIG)) throw new Error(`no SSH test hosts in ${HOSTS_DIR}: run "bash ci/ssh-hosts.sh up" as root`);
  onB('podman', 'run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c', "'i=0; while true; do i=$((i+1)); echo $i > /tmp/c; sleep 0.1; done'");
});

test.afterAll(() => {
  onB('podman', 'rm', '-f', '-t', '0', name);
  // A failed run must not leave its checkpoints behind on the host.
  const listed = execFileSync(process.execPath, ['bin/stasis.mjs', 'checkpoints', '--host', 'stasis-b', '--json', '--ssh-config', SSH_CONFIG], { encoding: 'utf8' });
  for (const c of JSON.parse(listed) as { id: string; container: { name: string } }[]) {
    if (c.container.name === name) execFileSync(process.execPath, ['bin/stasis.mjs', 'rm', 'stasis-b', c.id, '--ssh-config', SSH_CONFIG]);
  }
});

test('an SSH host: test the connection, see its containers, checkpoint, compare, look inside and delete', async ({ page, stasis }) => {
  test.setTimeout(180_000);
  await page.goto(stasis.url);
  for (const h of ['stasis-a', 'stasis-b', 'stasis-c']) await expect(page.getByRole('link', { name: new RegExp(`^${h} `) })).toBeVisible();
  await page.getByRole('link', { name: /^stasis-b / }).click();
  await expect(page.getByRole('heading', { name: 'stasis-b' })).toBeVisible();

  await page.getByRole('button', { name: 'Test connection' }).click();
  const conn = page.getByLabel('Connection test');
  await expect(conn).toContainText('root', { timeout: 30_000 });
  await expect(conn).toContainText(/Helper/);

  await page.getByRole('button', { name: 'Check what it can do' }).click();
  const caps = page.getByLabel('Detected capabilities');
  await expect(caps).toContainText(/CRIU 4\.\d/, { timeout: 60_000 });
  await expect(caps).toContainText('Looks good.');
  await expect(caps).toContainText(/runtime runc · can checkpoint/);

  const containers = page.getByRole('table', { name: 'Containers' });
  await expect(containers.getByRole('row', { name: new RegExp(name) })).toBeVisible({ timeout: 30_000 });
  // Containers of other hosts stay on their own screens.
  await expect(containers.getByRole('row')).toHaveCount(1 + Number(onB('podman', 'ps', '-a', '-q', '|', 'wc', '-l')));

  await page.getByRole('button', { name: `Checkpoint ${name}` }).click();
  await page.getByRole('dialog', { name: `Checkpoint ${name}` }).getByRole('button', { name: 'Checkpoint' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Checkpoint ck-.* saved/ })).toBeVisible({ timeout: 120_000 });
  const row = page.getByRole('table', { name: 'Checkpoints' }).getByRole('row', { name: new RegExp(name) }).first();
  const checkpointId = (await row.locator('.mono').first().textContent())!.trim();
  mkdirSync('e2e/artifacts', { recursive: true });
  await page.screenshot({ path: 'e2e/artifacts/ssh-host.png', fullPage: true });

  // A second checkpoint of the same container, then: compare it with the first, and look inside it — both read
  // through the host's helper, from the images kept beside the archives (never the memory pages).
  await page.getByRole('button', { name: `Checkpoint ${name}` }).click();
  await page.getByRole('dialog', { name: `Checkpoint ${name}` }).getByLabel('Note').fill('second');
  await page.getByRole('dialog', { name: `Checkpoint ${name}` }).getByRole('button', { name: 'Checkpoint' }).click();
  const second = page.getByRole('table', { name: 'Checkpoints' }).getByRole('row', { name: new RegExp(name) }).filter({ hasText: 'second' });
  await expect(second).toBeVisible({ timeout: 120_000 });
  const secondId = (await second.locator('.mono').first().textContent())!.trim();
  await second.getByRole('link', { name: `Compare ${secondId} with the one before` }).click();
  await expect(page.getByLabel('Diff summary')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('table', { name: 'Memory growth' })).toContainText('sh');

  await page.getByRole('link', { name: /^stasis-b / }).click();
  await page.getByRole('table', { name: 'Checkpoints' }).getByRole('link', { name: `Look inside ${secondId}` }).click();
  const tree = page.getByRole('tree', { name: 'Process tree' });
  await expect(tree.getByRole('treeitem').filter({ has: page.locator('.comm', { hasText: /^sh$/ }) }).first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('tab', { name: /Mounts/ })).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/ssh-look-inside.png', fullPage: true });
  await page.getByRole('link', { name: /^stasis-b / }).click();
  await page.getByRole('table', { name: 'Checkpoints' }).getByRole('button', { name: `Delete ${secondId}` }).click();
  await page.getByRole('dialog', { name: 'Delete checkpoint' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('table', { name: 'Checkpoints' }).getByText(secondId)).toHaveCount(0);

  await row.getByRole('button', { name: `Delete ${checkpointId}` }).click();
  await page.getByRole('dialog', { name: 'Delete checkpoint' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('table', { name: 'Checkpoints' }).getByText(checkpointId)).toHaveCount(0);
});
