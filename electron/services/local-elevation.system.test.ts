import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { until } from '../../test-support/poll';
import { describeSystem } from '../../test-support/system';
import { INSTALLED_HELPER } from './helper-source';

// Stasis run by a user who is not root on this computer: privileged work goes through `sudo -n` on the
// installed helper, which is all the test user `stasisop` may run as root (ci/ssh-hosts.sh writes that rule).
const USER = 'stasisop';
const name = `stasis-test-elev-${process.pid}`;
const home = mkdtempSync(path.join(tmpdir(), 'stasis-elev-'));

function asUser(user: string, ...args: string[]) {
  return spawnSync('runuser', ['-u', user, '--', process.execPath, path.resolve('bin/stasis.mjs'), ...args], {
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, USER: user },
  });
}
afterAll(() => rmSync(home, { recursive: true, force: true }));

describeSystem('this computer as a non-root user, elevating through sudo', ['root', 'criu', 'podman', 'ssh-hosts'], () => {
  beforeAll(() => {
    chmodSync(home, 0o777);
    // What "Set up this computer" does: the shipped helper, root-owned, at the path the sudoers rule names.
    execFileSync('install', ['-D', '-m', '0755', '-o', 'root', '-g', 'root', 'electron/helper/stasis-helper.sh', INSTALLED_HELPER]);
    execFileSync('podman', ['run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i > /tmp/c; sleep 0.1; done']);
  });

  afterAll(() => {
    spawnSync('podman', ['rm', '-f', '-t', '0', name]);
    // A failed run must not leave its checkpoints in the store.
    for (const c of JSON.parse(asUser(USER, 'checkpoints', '--host', 'local', '--json').stdout || '[]') as { id: string; container: { name: string } }[]) {
      if (c.container.name === name) asUser(USER, 'rm', 'local', c.id);
    }
  });

  it('lists, checkpoints and restores containers through sudo -n', async () => {
    const test = asUser(USER, 'hosts', 'test', 'local', '--json');
    expect(test.status, test.stderr).toBe(0);
    expect(JSON.parse(test.stdout)).toMatchObject({ ok: true, helper: { installed: true, upToDate: true, via: 'sudo' } });

    const ps = asUser(USER, 'ps', '--host', 'local', '--json');
    expect(ps.status, ps.stderr).toBe(0);
    expect((JSON.parse(ps.stdout) as { name: string }[]).some((c) => c.name === name)).toBe(true);

    const counter = (): number => Number(execFileSync('podman', ['exec', name, 'cat', '/tmp/c'], { encoding: 'utf8' }).trim());
    while (counter() < 30) execFileSync('sleep', ['0.5']);
    const before = counter();
    const ck = asUser(USER, 'checkpoint', 'local', name, '--no-leave-running', '--json');
    expect(ck.status, ck.stderr).toBe(0);
    const id = (JSON.parse(ck.stdout) as { id: string }).id;
    expect(id).toMatch(/^ck-/);
    expect(execFileSync('podman', ['container', 'inspect', '--format', '{{.State.Status}}', name], { encoding: 'utf8' }).trim()).not.toBe('running');

    // What the stopped container's file holds: the count the process had reached when it was dumped.
    const atDump = Number(execFileSync('sh', ['-c', `podman cp ${name}:/tmp/c - | tar -xOf -`], { encoding: 'utf8' }).trim());
    expect(atDump).toBeGreaterThanOrEqual(before);
    const rs = asUser(USER, 'restore', 'local', id, '--json');
    expect(rs.status, rs.stderr).toBe(0);
    // The counter goes on from where it was (a fresh start would count from 1, far below), and keeps counting.
    expect(counter()).toBeGreaterThanOrEqual(atDump);
    await until(`${name} counting past ${atDump}`, counter, (n) => n > atDump);

    const rm = asUser(USER, 'rm', 'local', id, '--json');
    expect(rm.status, rm.stderr).toBe(0);
  });

  it('tells a user who may not elevate what to do, and changes nothing', () => {
    const r = asUser('nobody', 'checkpoint', 'local', name);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/needs root.*(polkit|sudo)/);
    expect(execFileSync('podman', ['container', 'inspect', '--format', '{{.State.Status}}', name], { encoding: 'utf8' }).trim()).toBe('running');
  });
});
