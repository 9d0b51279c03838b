import { SSH_HOSTS_DIR } from '../test-support/system';
import { links } from '../renderer/src/router';
import { test, expect } from './fixtures';

// Issue 12 item 10, as a new user met it: "Add host" saved an unresolvable name, hosts could not be edited or
// removed, an unreachable host showed its error twice, the footer named ~/.ssh/config whatever file was read, the
// SSH config page said "Stasis has not connected to these" for connected hosts, This computer and SSH hosts had
// different pages, and a host's capability table went away when the user came back.
const at = (stasis: { origin: string; token: string }, route: string): string => `${stasis.origin}/${route}${route.includes('?') ? '&' : '?'}token=${stasis.token}`;
const hostLink = (page: import('@playwright/test').Page, id: string) => page.getByRole('navigation', { name: 'Stasis' }).locator(`.host-list a[href="${links.host(id)}"]`);

test.use({ sshConfigFile: `${SSH_HOSTS_DIR}/ssh_config` });

test('a host added by hand can be edited and removed; a capability table stays when the user comes back', async ({ page, stasis }) => {
  test.setTimeout(300_000);
  await page.goto(at(stasis, links.host('stasis-a')));
  await page.getByRole('button', { name: 'Check what it can do' }).click();
  await expect(page.getByRole('definition').filter({ hasText: /CRIU 4/ })).toBeVisible({ timeout: 180_000 });
  await hostLink(page, 'stasis-b').click();
  await expect(page.getByRole('heading', { name: 'stasis-b' })).toBeVisible();
  await hostLink(page, 'stasis-a').click();
  await expect(page.getByRole('heading', { name: 'stasis-a' })).toBeVisible();
  await expect(page.getByLabel('Detected capabilities')).toBeVisible();

  await page.getByRole('link', { name: /^Hosts in / }).click();
  await expect(page.getByRole('table', { name: 'Hosts in the SSH config' }).getByRole('row', { name: /^stasis-a / })).toContainText('connected', { timeout: 30_000 });

  // Its key is not known (the new host's known_hosts is the user's own): whenever the app asks, not trusting it is fine.
  const prompt = page.getByRole('dialog', { name: 'Unknown host ux-remote' });
  await page.addLocatorHandler(prompt, async () => {
    await prompt.getByRole('button', { name: "Don't connect" }).click();
  });
  await page.getByRole('button', { name: '+ Add host…' }).click();
  const add = page.getByRole('dialog', { name: 'Add an SSH host' });
  await add.getByLabel('Name in Stasis').fill('ux-remote');
  await add.getByLabel('Address').fill('127.0.0.2');
  await add.getByLabel('User').fill('root');
  await add.getByLabel('Port').fill('2222');
  await add.getByRole('button', { name: 'Add host' }).click();
  await expect(page.getByRole('heading', { name: 'ux-remote' })).toBeVisible({ timeout: 30_000 });

  await page.getByRole('button', { name: 'Edit…' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit ux-remote' });
  await expect(edit.getByLabel('Address')).toHaveValue('127.0.0.2');
  await edit.getByLabel('Address').fill('127.0.0.3');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden({ timeout: 30_000 });
  await expect(page.getByText('root@127.0.0.3:2222')).toBeVisible();

  await page.getByRole('button', { name: 'Remove…' }).click();
  const remove = page.getByRole('dialog', { name: 'Remove ux-remote?' });
  await remove.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(hostLink(page, 'ux-remote')).toHaveCount(0, { timeout: 30_000 });
});
