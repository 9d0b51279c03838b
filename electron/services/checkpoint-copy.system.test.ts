import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createClient } from '../../shared/api/client';
import { createDispatch, validatedEmitter } from '../../shared/api/dispatch';
import { deleteStoredCheckpoints, removePodmanContainers } from '../../test-support/cleanup';
import { until } from '../../test-support/poll';
import { SSH_HOSTS_DIR, describeSystem } from '../../test-support/system';
import { createAppServices } from './app-services';
import { INSTALLED_HELPER } from './helper-source';

// checkpoints.copy: a checkpoint stored on one SSH host, streamed into another's store and restored there (the
// timeline's "restore on any host"); and the page-less compare of two checkpoints on two hosts.
const CONFIG = path.join(SSH_HOSTS_DIR, 'ssh_config');
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-test-icopy-'));
const NAME = `icopy-${process.pid}`;

const ssh = (host: string, ...cmd: string[]) =>
  execFileSync('ssh', ['-F', CONFIG, '-o', 'BatchMode=yes', host, ...cmd], { encoding: 'utf8', timeout: 60_000 }).trim();
const counterOn = (host: string) => {
  try {
    return Number(ssh(host, 'podman', 'exec', NAME, 'cat', '/tmp/count') || NaN);
  } catch {
    return NaN;
  }
};
const counterPast = (host: string, after = 0) => until(`${NAME} on ${host} counting past ${after}`, () => counterOn(host), (n) => n > after);

describeSystem('checkpoints.copy between SSH hosts', ['root', 'criu', 'podman', 'ssh-hosts'], () => {
  const events: { name: string; payload: unknown }[] = [];
  const services = createAppServices({
    mode: 'browser',
    sshConfigPath: CONFIG,
    hostsFile: path.join(dir, 'hosts.json'),
    emit: validatedEmitter((name, payload) => events.push({ name, payload })),
  });
  const dispatch = createDispatch(services.handlers);
  const api = createClient({ invoke: (c, i) => dispatch(c, i, { caller: 'test' }), on: () => () => {} });

  afterAll(() => {
    for (const h of ['stasis-a', 'stasis-b']) {
      removePodmanContainers([NAME], ['ssh', '-F', CONFIG, '-o', 'BatchMode=yes', h, 'podman']);
      deleteStoredCheckpoints((c) => c.container.name === NAME, ['ssh', '-F', CONFIG, '-o', 'BatchMode=yes', h, INSTALLED_HELPER]);
    }
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams a checkpoint from stasis-a to stasis-b, restores it there, and compares the two copies', async () => {
    ssh('stasis-a', 'podman', 'run', '-d', '--name', NAME, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c',
      `'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done'`);
    await counterPast('stasis-a');
    // The list says how much memory the running container uses now and since when it runs (helper's ps).
    const row = (await api.containers.list({ hostId: 'stasis-a' })).containers.find((c) => c.name === NAME);
    expect(row).toMatchObject({ state: 'running', memoryBytes: expect.any(Number), startedAt: expect.any(String) });
    expect(row!.memoryBytes).toBeGreaterThan(0);
    const ck = await api.checkpoints.create({ hostId: 'stasis-a', runtime: 'podman', container: NAME, options: { leaveRunning: false } });

    const copied = await api.checkpoints.copy({ fromHostId: 'stasis-a', checkpointId: ck.id, toHostId: 'stasis-b', operationId: 'icopy-op-1' });
    expect(copied).toMatchObject({ id: ck.id, hostId: 'stasis-b', container: { name: NAME }, sizes: { archive: ck.sizes.archive } });
    // Both stores hold it now: the source keeps its own.
    expect((await api.checkpoints.list({ hostId: 'stasis-a' })).checkpoints.map((c) => c.id)).toContain(ck.id);
    expect((await api.checkpoints.list({ hostId: 'stasis-b' })).checkpoints.map((c) => c.id)).toContain(ck.id);
    const progress = events.filter((e) => e.name === 'operationProgress' && (e.payload as { operationId: string }).operationId === 'icopy-op-1');
    expect(progress.map((e) => (e.payload as { phase: string }).phase)).toEqual(expect.arrayContaining(['copy', 'done']));

    // A second copy is refused by the destination, and the first stays.
    await expect(api.checkpoints.copy({ fromHostId: 'stasis-a', checkpointId: ck.id, toHostId: 'stasis-b' })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('already on this host'),
    });

    // Compare across hosts: the same checkpoint read from both stores holds the same processes.
    const diff = await api.checkpoints.diff({ hostId: 'stasis-a', before: ck.id, after: ck.id, afterHostId: 'stasis-b' });
    expect(diff.identical).toBeNull();
    expect(diff.processes.added).toEqual([]);
    expect(diff.processes.removed).toEqual([]);

    await api.checkpoints.restore({ hostId: 'stasis-b', checkpointId: ck.id });
    const a = await counterPast('stasis-b');
    expect(await counterPast('stasis-b', a)).toBeGreaterThan(a);
  });
});
