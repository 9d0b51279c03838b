import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '../../../shared/api/client';
import { createDispatch, validatedEmitter } from '../../../shared/api/dispatch';
import { deleteStoredCheckpoints, removePodmanContainers } from '../../../test-support/cleanup';
import { until } from '../../../test-support/poll';
import { SSH_HOSTS_DIR, describeSystem } from '../../../test-support/system';
import { createAppServices } from '../app-services';
import { INSTALLED_HELPER } from '../helper-source';

const CONFIG = path.join(SSH_HOSTS_DIR, 'ssh_config');
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-test-ssh-'));
const NAME = `stasis-test-ssh-${process.pid}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function session(sshConfigPath: string) {
  const events: { name: string; payload: unknown }[] = [];
  const services = createAppServices({
    mode: 'browser',
    sshConfigPath,
    hostsFile: path.join(dir, `hosts-${Math.random().toString(36).slice(2)}.json`),
    emit: validatedEmitter((name, payload) => events.push({ name, payload })),
  });
  const dispatch = createDispatch(services.handlers);
  const api = createClient({ invoke: (c, i) => dispatch(c, i, { caller: 'test' }), on: () => () => {} });
  return { api, events, close: services.close };
}

/** Test fixtures are made with OpenSSH itself, so the code under test is not its own witness. */
const ssh = (host: string, ...cmd: string[]) =>
  execFileSync('ssh', ['-F', CONFIG, '-o', 'BatchMode=yes', host, ...cmd], { encoding: 'utf8', timeout: 60_000 }).trim();
const counterOn = (host: string, name: string) => Number(ssh(host, 'podman', 'exec', name, 'cat', '/tmp/count') || NaN);
/** Waits until the container's counter is past `after` (it writes /tmp/count ten times a second). */
const counterPast = (host: string, name: string, after = 0) =>
  until(`${name} on ${host} counting past ${after}`, () => counterOn(host, name), (n) => n > after);
const startCounter = (host: string, name: string) =>
  ssh(host, 'podman', 'run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c',
    `'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done'`);

describeSystem('SSH hosts', ['root', 'criu', 'podman', 'ssh-hosts'], () => {
  const s = session(CONFIG);
  const made: [string, string][] = [];

  beforeAll(async () => {
    // Each test host has its own /usr/local/libexec/stasis (the global setup installs this checkout's helper
    // into every one); setting up stasis-a again checks that "Set up" over SSH as root works.
    await s.api.hosts.setUp({ hostId: 'stasis-a', sudoers: false });
  });
  afterAll(async () => {
    for (const [hostId, checkpointId] of made) await s.api.checkpoints.delete({ hostId, checkpointId }).catch(() => undefined);
    for (const h of ['stasis-a', 'stasis-b']) {
      removePodmanContainers([NAME, `${NAME}-op`], ['ssh', '-F', CONFIG, '-o', 'BatchMode=yes', h, 'podman']);
      // What a failed test made and never recorded in `made`.
      deleteStoredCheckpoints((c) => c.container.name.startsWith(NAME), ['ssh', '-F', CONFIG, '-o', 'BatchMode=yes', h, INSTALLED_HELPER]);
    }
    s.close();
  });

  it('lists this computer first, then the ssh config hosts', async () => {
    const hosts = await s.api.hosts.list({});
    expect(hosts[0]).toMatchObject({ id: 'local', name: 'This computer', kind: 'local' });
    expect(hosts.map((h) => h.id)).toEqual(expect.arrayContaining(['stasis-a', 'stasis-b', 'stasis-c', 'stasis-a-op']));
    expect(hosts.find((h) => h.id === 'stasis-b')).toMatchObject({ kind: 'ssh', address: 'root@127.0.0.3:2222' });
  });

  it('finds the helper as root and through the sudo-restricted user', async () => {
    const root = await s.api.hosts.test({ hostId: 'stasis-b' });
    expect(root).toMatchObject({ ok: true, user: 'root', helper: { installed: true, upToDate: true, via: 'root' } });
    const op = await s.api.hosts.test({ hostId: 'stasis-a-op' });
    expect(op).toMatchObject({ ok: true, user: 'stasisop', helper: { installed: true, upToDate: true, via: 'sudo' } });
    expect(s.events.some((e) => e.name === 'hostChanged' && (e.payload as { host: { id: string; status: string } }).host.status === 'ok')).toBe(true);
  });

  it('lists containers of every host in one call', async () => {
    // How fast is for a benchmark to measure; here: every host answers, none is left out.
    const list = await s.api.containers.list({});
    expect(list.errors).toEqual([]);
  });

  it('checkpoints and restores over SSH as root, the counter continuing', async () => {
    startCounter('stasis-b', NAME);
    await counterPast('stasis-b', NAME);
    const listed = await s.api.containers.list({ hostId: 'stasis-b' });
    expect(listed.containers.find((c) => c.name === NAME)).toMatchObject({ host: 'stasis-b', runtime: 'podman', state: 'running' });
    const ck = await s.api.checkpoints.create({ hostId: 'stasis-b', runtime: 'podman', container: NAME, options: { leaveRunning: false } });
    made.push(['stasis-b', ck.id]);
    expect(ck).toMatchObject({ hostId: 'stasis-b', host: 'stasis-b' });
    // Each host keeps its own store: stasis-a does not see stasis-b's checkpoint.
    expect((await s.api.checkpoints.list({ hostId: 'stasis-a' })).checkpoints.map((c) => c.id)).not.toContain(ck.id);
    await s.api.checkpoints.restore({ hostId: 'stasis-b', checkpointId: ck.id });
    const a = await counterPast('stasis-b', NAME);
    expect(await counterPast('stasis-b', NAME, a)).toBeGreaterThan(a);
  });

  it('checkpoints and restores through the sudo-restricted user', async () => {
    const name = `${NAME}-op`;
    startCounter('stasis-a', name);
    await counterPast('stasis-a', name);
    const ck = await s.api.checkpoints.create({ hostId: 'stasis-a-op', runtime: 'podman', container: name, options: { leaveRunning: false } });
    made.push(['stasis-a-op', ck.id]);
    await s.api.checkpoints.restore({ hostId: 'stasis-a-op', checkpointId: ck.id });
    const a = await counterPast('stasis-a', name);
    expect(await counterPast('stasis-a', name, a)).toBeGreaterThan(a);
    // The helper refuses a hostile argument on the remote side too, before anything runs.
    await expect(s.api.checkpoints.delete({ hostId: 'stasis-a-op', checkpointId: 'ck-;rm-rf' })).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('refuses a changed host key and asks about an unknown one', async () => {
    const known = readFileSync(path.join(SSH_HOSTS_DIR, 'known_hosts'), 'utf8');
    const forged = known.replace(/^(\[127\.0\.0\.3\]:2222 ssh-ed25519 )\S+/m, '$1AAAAC3NzaC1lZDI1NTE5AAAAIBm0bUuPWlCGOHFkx1eC8JUdvkzKDz0qjR4oIshG0pwl');
    writeFileSync(path.join(dir, 'known_hosts_forged'), forged);
    writeFileSync(path.join(dir, 'known_hosts_empty'), '');
    const cfg = readFileSync(CONFIG, 'utf8');
    writeFileSync(path.join(dir, 'ssh_config_forged'), cfg.replaceAll(path.join(SSH_HOSTS_DIR, 'known_hosts'), path.join(dir, 'known_hosts_forged')));
    writeFileSync(path.join(dir, 'ssh_config_empty'), cfg.replaceAll(path.join(SSH_HOSTS_DIR, 'known_hosts'), path.join(dir, 'known_hosts_empty')));

    const forged1 = session(path.join(dir, 'ssh_config_forged'));
    try {
      await expect(forged1.api.hosts.test({ hostId: 'stasis-b' })).rejects.toMatchObject({ code: 'host-key-changed', message: expect.stringMatching(/WARNING.*changed/) });
      await expect(forged1.api.hosts.acceptKey({ hostId: 'stasis-b', fingerprint: 'SHA256:whatever' })).rejects.toMatchObject({ code: 'host-key-changed' });
      // Hosts whose keys match are unaffected.
      await expect(forged1.api.hosts.test({ hostId: 'stasis-c' })).resolves.toMatchObject({ ok: true });
    } finally {
      forged1.close();
    }

    const fresh = session(path.join(dir, 'ssh_config_empty'));
    try {
      const err = await fresh.api.hosts.test({ hostId: 'stasis-c' }).catch((e: { code: string; detail: string; message: string }) => e);
      expect(err).toMatchObject({ code: 'host-key-unknown' });
      const fp = (err as { detail: string }).detail;
      const expected = execFileSync('ssh-keygen', ['-lf', path.join(SSH_HOSTS_DIR, 'stasis-c', 'ssh_host_ed25519_key.pub')], { encoding: 'utf8' }).split(' ')[1];
      expect(fp).toBe(expected);
      expect((err as { message: string }).message).toContain(fp);
      await expect(fresh.api.hosts.acceptKey({ hostId: 'stasis-c', fingerprint: 'SHA256:not-the-one-shown' })).rejects.toMatchObject({ code: 'host-key-changed' });
      await fresh.api.hosts.acceptKey({ hostId: 'stasis-c', fingerprint: fp });
      await expect(fresh.api.hosts.test({ hostId: 'stasis-c' })).resolves.toMatchObject({ ok: true });
      // The accepted key reads back with OpenSSH's own parser.
      expect(readFileSync(path.join(dir, 'known_hosts_empty'), 'utf8')).toMatch(/^\[127\.0\.0\.4\]:2222 ssh-ed25519 /);
    } finally {
      fresh.close();
    }
  });

  it('logs in with a password given through the API, and through a ProxyJump', async () => {
    const cfg = [
      'Host pw-op',
      '  HostName 127.0.0.2',
      '  Port 2222',
      '  User stasisop',
      `  IdentityFile ${path.join(dir, 'no-such-key')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${path.join(SSH_HOSTS_DIR, 'known_hosts')}`,
      'Host c-via-a',
      '  HostName 127.0.0.4',
      '  Port 2222',
      '  User root',
      '  ProxyJump stasis-a',
      `  IdentityFile ${path.join(SSH_HOSTS_DIR, 'id_ed25519')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${path.join(SSH_HOSTS_DIR, 'known_hosts')}`,
      `Include ${CONFIG}`,
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'ssh_config_pw'), cfg);
    const p = session(path.join(dir, 'ssh_config_pw'));
    try {
      await expect(p.api.hosts.test({ hostId: 'pw-op' })).rejects.toMatchObject({ code: 'password-needed' });
      await p.api.hosts.provideSecret({ hostId: 'pw-op', kind: 'password', secret: 'stasis-test-pw' });
      await expect(p.api.hosts.test({ hostId: 'pw-op' })).resolves.toMatchObject({ ok: true, user: 'stasisop' });
      const jumped = await p.api.hosts.test({ hostId: 'c-via-a' });
      expect(jumped).toMatchObject({ ok: true, user: 'root' });
      // The password never reaches disk.
      for (const f of ['ssh_config_pw']) expect(readFileSync(path.join(dir, f), 'utf8')).not.toContain('stasis-test-pw');
    } finally {
      p.close();
    }
  });
});

describeSystem('SSH host probe', ['root', 'criu', 'podman', 'ssh-hosts'], () => {
  it('reports CRIU and podman of an SSH host, as its sudo-restricted user', async () => {
    const p = session(CONFIG);
    try {
      const caps = await p.api.hosts.probe({ hostId: 'stasis-a-op' });
      expect(caps.hostname).toBe('stasis-a');
      expect(caps.criu.found).toBe(true);
      expect(caps.podman).toMatchObject({ found: true });
    } finally {
      p.close();
    }
  });
});
