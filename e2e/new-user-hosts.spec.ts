import { links } from '../renderer/src/router';
import { test, expect } from './fixtures';

// Issue 12 item 10, as a new user met it: "Add host" saved an unresolvable name, hosts could not be edited or
// removed, an unreachable host showed its error twice, the footer named ~/.ssh/config whatever file was read, the
// SSH config page said "Stasis has not connected to these" for connected hosts, This computer and SSH hosts had
// different pages, and a host's capability table went away when the user came back.
const at = (stasis: { origin: string; token: string }, route: string): string => `${stasis.origin}/${route}${route.includes('?') ? '&' : '?'}token=${stasis.token}`;
const hostLink = (page: import('@playwright/test').Page, id: string) => page.getByRole('navigation', { name: 'Stasis' }).locator(`.host-list a[href="${links.host(id)}"]`);

test.describe('with an unreachable host in the ssh config', () => {
  test('an unreachable host says so once; every host page has the same actions; the footer names the file read; add refuses an unresolvable name', async ({ page, stasis }) => {
    await page.goto(at(stasis, links.host('e2e-box')));
    await expect(page.getByText(/Cannot reach e2e-box/).first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText(/Cannot reach e2e-box/)).toHaveCount(1);
    await expect(page.getByText('No containers on this host.')).toHaveCount(0);
    for (const id of ['e2e-box', 'local']) {
      await page.goto(at(stasis, links.host(id)));
      for (const name of ['Refresh', 'Check what it can do', 'Test connection', 'Set up this host']) {
        await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
      }
    }

    const footer = page.getByRole('link', { name: `Hosts in ${stasis.sshConfig}` });
    await expect(footer).toBeVisible();
    await footer.click();
    await expect(page.getByRole('heading', { name: `Hosts in ${stasis.sshConfig}` })).toBeVisible();
    await expect(page.getByText('Stasis has not connected')).toHaveCount(0);
    await expect(page.getByRole('table', { name: 'Hosts in the SSH config' }).getByRole('row', { name: /e2e-box/ })).toContainText('unreachable');

    await page.getByRole('button', { name: '+ Add host…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an SSH host' });
    await dialog.getByLabel('Name in Stasis').fill('ux-bogus');
    await dialog.getByLabel('Address').fill('no-such-host.invalid');
    await dialog.getByRole('button', { name: 'Add host' }).click();
    await expect(dialog.getByRole('alert')).toContainText('the name "no-such-host.invalid" does not resolve', { timeout: 30_000 });
    await expect(dialog.getByRole('alert')).toContainText('not saved');
    await expect(dialog).toBeVisible();
    await expect(hostLink(page, 'ux-bogus')).toHaveCount(0);
  });
});
