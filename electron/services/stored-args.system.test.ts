import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createClient } from '../../shared/api/client';
import { createDispatch } from '../../shared/api/dispatch';
import { storedArchivePath } from '../../shared/domain/checkpoint-location';
import { deleteStoredCheckpoints, removePodmanContainers } from '../../test-support/cleanup';
import { until } from '../../test-support/poll';
import { describeSystem } from '../../test-support/system';
import { createAppServices } from './app-services';

// Issue 12 item 2: a checkpoint opened from the store showed no command line and no environment (they are read
// from memory pages, which the store keeps only inside the archive), while the same archive opened by path did.
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-test-'));
const services = createAppServices({ mode: 'browser', sshConfigPath: path.join(dir, 'none'), hostsFile: path.join(dir, 'hosts.json') });
const dispatch = createDispatch(services.handlers);
const api = createClient({ invoke: (c, i) => dispatch(c, i, { caller: 'test' }), on: () => () => {} });
const name = `stasis-test-args-${process.pid}`;
const marker = `STASIS_G_MARKER=${process.pid}`;

afterAll(() => {
  removePodmanContainers([name]);
  deleteStoredCheckpoints((c) => c.container.name === name);
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

describeSystem('a stored checkpoint shows what its archive shows', ['root', 'criu', 'podman'], () => {
  it('command line and environment, read once from the pages and kept beside the images', async () => {
    execFileSync('podman', ['run', '-d', '--name', name, '--network', 'none', '-e', marker, 'localhost/stasis-busybox', 'sh', '-c', 'sleep 1001 & wait'], { timeout: 60_000 });
    const ck = await api.checkpoints.create({ hostId: 'local', runtime: 'podman', container: name, options: { leaveRunning: true } });
    const byPath = await api.images.inspectFile({ path: storedArchivePath(ck) });
    const first = await api.checkpoints.report({ hostId: 'local', checkpointId: ck.id });
    const init = (r: typeof first) => r.processes.find((p) => p.cmdline[0] === 'sh');
    expect(init(byPath)?.cmdline).toEqual(['sh', '-c', 'sleep 1001 & wait']);
    expect(first.processes.map((p) => [p.pid, p.cmdline, p.environ])).toEqual(byPath.processes.map((p) => [p.pid, p.cmdline, p.environ]));
    expect(init(first)?.environ).toContain(marker);
    const kept = path.join('/var/lib/stasis/hosts', hostname(), 'checkpoints', ck.id, 'args.json');
    expect(existsSync(kept)).toBe(true);
    // Read again: from the kept text (no stream of the archive), the same.
    const second = await api.checkpoints.report({ hostId: 'local', checkpointId: ck.id });
    expect(second.processes.map((p) => p.cmdline)).toEqual(first.processes.map((p) => p.cmdline));
  });

  it('the app reads a checkpoint it made once in the background, so that its first open streams no archive', async () => {
    // What browser mode and the Electron shell do (prepareNewCheckpoints); the CLI exits after the checkpoint.
    const app = createAppServices({ mode: 'browser', sshConfigPath: path.join(dir, 'none'), hostsFile: path.join(dir, 'hosts.json'), prepareNewCheckpoints: true });
    const d = createDispatch(app.handlers);
    const appApi = createClient({ invoke: (c, i) => d(c, i, { caller: 'test' }), on: () => () => {} });
    try {
      const ck = await appApi.checkpoints.create({ hostId: 'local', runtime: 'podman', container: name, options: { leaveRunning: true } });
      const kept = path.join('/var/lib/stasis/hosts', hostname(), 'checkpoints', ck.id, 'args.json');
      // Nobody opens it: the kept command lines appear all the same.
      // (it waits 15 s first, and while operations run on the host)
      await until('the new checkpoint\'s command lines to be kept beside its images', () => existsSync(kept), Boolean, { timeoutMs: 120_000, everyMs: 250 });
      const report = await appApi.checkpoints.report({ hostId: 'local', checkpointId: ck.id });
      expect(report.processes.find((p) => p.cmdline[0] === 'sh')?.environ).toContain(marker);
    } finally {
      app.close();
    }
  });
});
