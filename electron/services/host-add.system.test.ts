import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { inProcessApi, refusal } from '../../test-support/in-process-api';
import { SSH_HOSTS_DIR, describeSystem } from '../../test-support/system';

// Issue 12 item 10: "Add host" tried nothing and saved an unresolvable name; hosts could not be edited.
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-test-hostadd-'));
const hostsFile = path.join(dir, 'hosts.json');
const sshConfigPath = path.join(SSH_HOSTS_DIR, 'ssh_config');
const { services, api } = inProcessApi(sshConfigPath, hostsFile);
afterAll(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

const saved = (): string[] => {
  try {
    return (JSON.parse(readFileSync(hostsFile, 'utf8')) as { hosts: { id: string }[] }).hosts.map((h) => h.id);
  } catch {
    return [];
  }
};

describeSystem('adding and editing hosts by hand', ['ssh-hosts'], () => {
  it('refuses an unresolvable name or a closed port, with the reason, and saves nothing', async () => {
    const dns = await refusal(api.hosts.add({ id: 'ux-bogus', hostName: 'no-such-host.invalid' }));
    expect(dns.code).toBe('host-unreachable');
    expect(dns.message).toMatch(/could not reach no-such-host\.invalid: the name "no-such-host\.invalid" does not resolve.*not saved/);
    const closed = await refusal(api.hosts.add({ id: 'ux-closed', hostName: '127.0.0.2', port: 1 }));
    expect(closed.message).toMatch(/127\.0\.0\.2 on port 1: .*ECONNREFUSED.*not saved/);
    expect(saved()).toEqual([]);
    expect((await api.hosts.list({})).map((h) => h.id)).not.toContain('ux-bogus');
  });

  it('saves a host that answers (its key still to be accepted), edits it, refuses a bad edit, removes it', async () => {
    const added = await api.hosts.add({ id: 'ux-remote', hostName: '127.0.0.2', port: 2222, user: 'root' });
    expect(added).toMatchObject({ id: 'ux-remote', address: 'root@127.0.0.2:2222' });
    expect(saved()).toEqual(['ux-remote']);

    const edited = await api.hosts.update({ id: 'ux-remote', hostName: '127.0.0.3', port: 2222, user: 'root' });
    expect(edited.address).toBe('root@127.0.0.3:2222');
    const bad = await refusal(api.hosts.update({ id: 'ux-remote', hostName: 'no-such-host.invalid' }));
    expect(bad.code).toBe('host-unreachable');
    expect((await api.hosts.list({})).find((h) => h.id === 'ux-remote')?.address).toBe('root@127.0.0.3:2222');

    const fromConfig = await refusal(api.hosts.update({ id: 'stasis-a', hostName: '127.0.0.9' }));
    expect(fromConfig.message).toContain(sshConfigPath);
    expect((await api.app.info({})).sshConfigPath).toBe(sshConfigPath);

    await api.hosts.remove({ hostId: 'ux-remote' });
    expect(saved()).toEqual([]);
  });
});
