import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { test, expect } from './fixtures';

const criuVersion = (): string | undefined => {
  try {
    return /Version:\s*(\S+)/.exec(execFileSync('criu', ['--version'], { encoding: 'utf8' }))?.[1];
  } catch {
    return undefined;
  }
};

test('browser mode shows "This computer" with the real CRIU version', async ({ page, stasis }) => {
  await page.goto(stasis.url);
  await expect(page.getByRole('link', { name: /This computer/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'This computer' })).toBeVisible();
  const caps = page.getByLabel('Detected capabilities');
  const version = criuVersion();
  expect(version, 'CRIU must be installed for this test (ci/provision.sh)').toBeTruthy();
  await expect(caps).toContainText(`CRIU ${version}`, { timeout: 30_000 });
  await expect(caps).toContainText(/podman \d/);
  await expect(caps).toContainText(/Kernel/);
  mkdirSync('e2e/artifacts', { recursive: true });
  await page.screenshot({ path: 'e2e/artifacts/this-computer.png', fullPage: true });
});

test('the SSH config view lists hosts from the ssh config, read only', async ({ page, stasis }) => {
  await page.goto(stasis.url);
  await page.getByRole('link', { name: /^Hosts in / }).click();
  const row = page.getByRole('row', { name: /e2e-box/ });
  await expect(row).toContainText('127.0.0.9:2299');
  await expect(row).toContainText('tester');
  // Wildcard blocks are settings, not hosts.
  await expect(page.getByRole('row', { name: /^\*/ })).toHaveCount(0);
});

test('the API refuses a WebSocket without the token or from another origin', async ({ page, stasis }) => {
  await page.goto('about:blank');
  const wsUrl = `${stasis.origin.replace('http', 'ws')}/api`;
  const attempt = (url: string) =>
    page.evaluate(
      (u) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(u);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      url,
    );
  // From about:blank the Origin is not ours, so even the right token is refused.
  expect(await attempt(`${wsUrl}?token=${stasis.token}`)).toBe('refused');
  await page.goto(stasis.url);
  expect(await attempt(`${wsUrl}?token=wrong`)).toBe('refused');
  expect(await attempt(`${wsUrl}?token=${stasis.token}`)).toBe('open');
});
