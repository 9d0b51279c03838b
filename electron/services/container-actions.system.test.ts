import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { removePodmanContainers } from '../../test-support/cleanup';
import { inProcessApi } from '../../test-support/in-process-api';
import { until } from '../../test-support/poll';
import { SSH_HOSTS_DIR, describeSystem, type Requirement } from '../../test-support/system';
import { INSTALLED_HELPER } from './helper-source';

// Issue 12 item 9: Stop, Start and Remove go through the helper's `container` verb (request containers.act), so they
// work the same for Docker and for a login that reaches podman only through `sudo stasis-helper`. The helper never
// removes a running container: only containers.act's remove (stop, then remove, which the UI confirms) does.
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-test-'));
const config = path.join(SSH_HOSTS_DIR, 'ssh_config');
const tag = `jact-${process.pid}`;
const ssh = ['ssh', '-F', config, '-o', 'BatchMode=yes'];

const local = inProcessApi(path.join(dir, 'none'), path.join(dir, 'hosts.json'));
const remote = inProcessApi(config, path.join(dir, 'hosts-ssh.json'));
afterAll(() => {
  local.services.close();
  remote.services.close();
  rmSync(dir, { recursive: true, force: true });
});

const cases: { label: string; needs: Requirement[]; api: typeof local.api; hostId: string; runtime: 'podman' | 'docker'; cli: string[]; helper: string[]; image: string }[] = [
  {
    label: 'podman over SSH as the sudo-only operator',
    needs: ['root', 'ssh-hosts'],
    api: remote.api,
    hostId: 'stasis-a-op',
    runtime: 'podman',
    cli: [...ssh, 'stasis-a', 'podman'],
    // What the operator may run: sudo of the installed helper, nothing else.
    helper: [...ssh, 'stasis-a-op', 'sudo', '-n', INSTALLED_HELPER],
    image: 'localhost/stasis-busybox:latest',
  },
  { label: 'Docker on this computer', needs: ['root', 'docker'], api: local.api, hostId: 'local', runtime: 'docker', cli: ['docker'], helper: ['/bin/sh', 'electron/helper/stasis-helper.sh'], image: 'stasis-busybox:latest' },
];

for (const c of cases) {
  describeSystem(`container actions: ${c.label}`, c.needs, () => {
    const name = `${tag}-${c.runtime}`;
    const run = (...args: string[]) => execFileSync(c.cli[0]!, [...c.cli.slice(1), ...args], { encoding: 'utf8', timeout: 120_000 }).trim();
    const state = () => spawnSync(c.cli[0]!, [...c.cli.slice(1), 'inspect', '--format', '{{.State.Status}}', name], { encoding: 'utf8', timeout: 60_000 }).stdout.trim();
    afterAll(() => removePodmanContainers([name], c.cli));

    it('stops, starts, refuses a forced remove at the helper, and removes after stopping', async () => {
      // The remote shell joins ssh's arguments: the loop is one quoted word there, one argument locally.
      // It ends on SIGTERM (PID 1 has no default handlers), so each stop takes no 10 s timeout.
      const loop = "trap 'exit 0' TERM; while :; do sleep 0.1; done";
      run('run', '-d', '--network', 'none', '--name', name, c.image, 'sh', '-c', c.cli[0] === 'ssh' ? `'${loop.replace(/'/g, `'\\''`)}'` : loop);
      await until(`${name} running`, state, (s) => s === 'running');

      await expect(c.api.containers.act({ hostId: c.hostId, runtime: c.runtime, container: name, action: 'stop' })).resolves.toEqual({ ok: true });
      await until(`${name} stopped`, state, (s) => s === 'exited');
      await c.api.containers.act({ hostId: c.hostId, runtime: c.runtime, container: name, action: 'start' });
      await until(`${name} running again`, state, (s) => s === 'running');

      // The helper itself refuses to remove a running container, and it keeps running.
      const r = spawnSync(c.helper[0]!, [...c.helper.slice(1), 'container', 'remove', c.runtime, name], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status).not.toBe(0);
      expect(r.stdout).toContain('"bad-request"');
      expect(r.stdout).toContain('is running: stop it first');
      expect(state()).toBe('running');

      await c.api.containers.act({ hostId: c.hostId, runtime: c.runtime, container: name, action: 'remove' });
      await until(`${name} gone`, state, (s) => s === '');
      await expect(c.api.containers.act({ hostId: c.hostId, runtime: c.runtime, container: name, action: 'start' })).rejects.toMatchObject({ code: 'not-found' });
    });
  });
}
