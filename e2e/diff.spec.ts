import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { podman, specContainer } from './podman-container';

// Two real checkpoints of one container with a change between them, compared in the UI.
let a = '';
let b = '';
specContainer('diff', (name, dir) => {
  a = path.join(dir, 'a.tar.zst');
  b = path.join(dir, 'b.tar');
  // The change comes from inside the container's own process tree (CRIU dumps that tree, not exec sessions):
  // when /tmp/go appears, the shell opens a file and starts a long-lived child.
  const script = 'while true; do if [ -f /tmp/go ]; then rm /tmp/go; exec 5>/tmp/added-later; sleep 1000 & fi; sleep 0.2; done';
  podman('run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c', script);
  podman('container', 'checkpoint', name, '--leave-running', '--export', a, '--compress', 'zstd');
  podman('exec', name, 'touch', '/tmp/go');
  // Wait (inside the container, up to 30 s, failing loudly) until the shell holds fd 5 and its child runs.
  // "100[0]": the pattern does not match the grep's own command line, which the cat may read too.
  const changed = 'readlink /proc/1/fd/5 >/dev/null 2>&1 && cat /proc/[0-9]*/cmdline | tr "\\0" " " | grep -q "sleep 100[0]"';
  podman('exec', name, 'sh', '-c', `i=0; until ${changed}; do i=$((i+1)); [ $i -lt 300 ] || exit 1; sleep 0.1; done`);
  podman('container', 'checkpoint', name, '--leave-running', '--export', b, '--compress', 'none');
});

test('compares two checkpoints: the added process and its file show up', async ({ page, stasis }) => {
  await page.goto(stasis.url);
  await page.getByRole('link', { name: 'Compare two checkpoints…' }).click();
  await page.getByLabel('Older checkpoint').fill(a);
  await page.getByLabel('Newer checkpoint').fill(b);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.getByLabel('Diff summary')).toContainText('processes added', { timeout: 30_000 });
  const changes = page.getByRole('table', { name: 'Process changes' });
  await expect(changes.getByRole('row').filter({ hasText: 'sleep 1000' })).toBeVisible();
  // The shell itself changed: it holds the new file on fd 5.
  await expect(changes.getByRole('row').filter({ hasText: /fd 5: .*\/tmp\/added-later/ })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Memory growth' })).toContainText('sh');
  mkdirSync('e2e/artifacts', { recursive: true });
  await page.screenshot({ path: 'e2e/artifacts/diff.png', fullPage: true });
});
