import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { until } from '../../test-support/poll';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { deleteStoredCheckpoints, removePodmanContainers } from '../../test-support/cleanup';
import { inProcessApi, refusal } from '../../test-support/in-process-api';
import { SSH_HOSTS_DIR, describeSystem } from '../../test-support/system';
import { parseLeftOut } from '../../shared/domain/processes';
import { INSTALLED_HELPER } from './helper-source';

// Issue 12 item 1: processes started with `podman exec` are outside the tree CRIU dumps. A checkpoint must not
// leave them out without a word — on this computer, and on an SSH host through a non-root login (sudo helper).
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-test-'));
const config = path.join(SSH_HOSTS_DIR, 'ssh_config');
const tag = `stasis-test-lost-${process.pid}`;

const local = inProcessApi(path.join(dir, 'none'), path.join(dir, 'hosts.json'));
const remote = inProcessApi(config, path.join(dir, 'hosts-ssh.json'));

const where = {
  local: { api: local.api, hostId: 'local', podman: ['podman'], helper: undefined as string[] | undefined },
  'stasis-a-op': {
    api: remote.api,
    hostId: 'stasis-a-op',
    podman: ['ssh', '-F', config, '-o', 'BatchMode=yes', 'stasis-a', 'podman'],
    helper: ['ssh', '-F', config, '-o', 'BatchMode=yes', 'stasis-a', INSTALLED_HELPER],
  },
};

afterAll(() => {
  local.services.close();
  remote.services.close();
  rmSync(dir, { recursive: true, force: true });
});

for (const [label, w] of Object.entries(where)) {
  describeSystem(`processes started with podman exec (${label})`, label === 'local' ? ['root', 'criu', 'podman'] : ['root', 'criu', 'ssh-hosts'], () => {
    const name = `${tag}-${label}`;
    // ssh joins its arguments into one remote shell line: quote each one.
    const quote = (a: string) => (label === 'local' ? a : `'${a.replace(/'/g, `'\\''`)}'`);
    const run = (...args: string[]) => execFileSync(w.podman[0]!, [...w.podman.slice(1), ...args.map(quote)], { encoding: 'utf8', timeout: 120_000 }).trim();
    afterAll(() => {
      removePodmanContainers([name], w.podman);
      deleteStoredCheckpoints((c) => c.container.name === name, w.helper);
    });

    it('are named before a checkpoint, which is refused unless allowed; the record keeps what was left out', async () => {
      run('run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox', 'sh', '-c', 'sleep 1001 & wait');
      run('exec', '-d', name, 'sleep', '2002');
      run('exec', '-d', name, 'sh', '-c', 'sleep 3003 & wait');
      // Poll until the exec'd tree is up (podman exec -d returns before its process has run).
      const check = await until(
        "the exec'd processes to be up",
        () => w.api.containers.processes({ hostId: w.hostId, runtime: 'podman', container: name }),
        (c) => c.processes.length >= 5,
        { timeoutMs: 30_000 },
      );
      expect(check.processes.map((p) => p.args.trim()).sort()).toEqual(['sh -c sleep 1001 & wait', 'sh -c sleep 3003 & wait', 'sleep 1001', 'sleep 2002', 'sleep 3003']);
      expect(check.lost.map((p) => p.args.trim()).sort()).toEqual(['sh -c sleep 3003 & wait', 'sleep 2002', 'sleep 3003']);
      expect(check.reason).toMatch(/podman exec/);

      const err = await refusal(w.api.checkpoints.create({ hostId: w.hostId, runtime: 'podman', container: name, options: { leaveRunning: true } }));
      expect(err.code).toBe('lost-processes');
      expect(err.message).toMatch(/3 processes in this container will not be checkpointed: .*sleep 2002/);
      expect(run('container', 'inspect', '--format', '{{.State.Status}}', name)).toBe('running');

      const ck = await w.api.checkpoints.create({ hostId: w.hostId, runtime: 'podman', container: name, options: { leaveRunning: true }, allowLostProcesses: true });
      const lostPids = check.lost.map((p) => p.nspid).sort();
      expect(parseLeftOut(ck.leftOut).processes.map((p) => p.pid).sort()).toEqual(lostPids);
      const listed = (await w.api.checkpoints.list({ hostId: w.hostId })).checkpoints.find((c) => c.id === ck.id);
      expect(parseLeftOut(listed?.leftOut).processes.map((p) => p.name).sort()).toEqual(['sh', 'sleep', 'sleep']);
    });
  });
}
