import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createClient } from '../../shared/api/client';
import { createDispatch, validatedEmitter } from '../../shared/api/dispatch';
import type { OperationProgress } from '../../shared/domain/checkpoint';
import { deleteStoredCheckpoints, removeContainerdRestoreCopies, removePodmanContainers } from '../../test-support/cleanup';
import { until } from '../../test-support/poll';
import { describeSystem } from '../../test-support/system';
import { createAppServices } from './app-services';

// Through the typed API exactly as the app calls it (contract validation on both sides).
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-test-'));
const progress: OperationProgress[] = [];
const emit = validatedEmitter((name, payload) => {
  if (name === 'operationProgress') progress.push(payload as OperationProgress);
});
const services = createAppServices({ mode: 'browser', emit, sshConfigPath: path.join(dir, 'none'), hostsFile: path.join(dir, 'hosts.json') });
const dispatch = createDispatch(services.handlers);
const api = createClient({ invoke: (c, i) => dispatch(c, i, { caller: 'test' }), on: () => () => {} });

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', timeout: 120_000 }).trim();
const made: string[] = [];
/** `echo > file` truncates before it writes: retry past the empty moment. */
function readCount(file: string): Promise<number> {
  return until(`a count in ${file}`, () => Number(readFileSync(file, 'utf8').trim() || NaN), (n) => n > 0);
}
/** The counter a container writes to /tmp/count, once it has written one. */
function containerCount(runtime: 'docker' | 'podman', name: string): Promise<number> {
  return until(`${name} writing /tmp/count`, () => Number(sh(runtime, 'exec', name, 'cat', '/tmp/count') || NaN), (n) => n > 0);
}
/** memhog's status line ("ITER ok 64") once it has filled and verified its memory. */
function memhogStatus(name: string, after = 0): Promise<string> {
  return until(`memhog in ${name} verifying its memory (past iteration ${after})`, () => sh('podman', 'exec', name, 'cat', '/tmp/status'), (t) => /^\d+ ok 64/.test(t) && Number(t.split(' ')[0]) > after);
}
const tag = `stasis-test-svc-${process.pid}`;
const STORE = `/var/lib/stasis/hosts/${sh('hostname')}`;

afterAll(async () => {
  for (const id of made) await api.checkpoints.delete({ hostId: 'local', checkpointId: id }).catch(() => undefined);
  // A create that failed after the helper stored its result is not in `made`: go by container name too.
  deleteStoredCheckpoints((c) => c.container.name.startsWith(tag));
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

describeSystem('podman checkpoint/restore through the API', ['root', 'criu', 'podman'], () => {
  const name = `${tag}-memhog`;
  afterAll(() => {
    removePodmanContainers([name, `${name}-2`]);
  });

  it('lists the container with host, runtime, id, name and state', async () => {
    sh('podman', 'run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-debian:latest', '/usr/local/bin/memhog', '64', '0', '/tmp/status');
    const list = await until(`${name} listed as running`, () => api.containers.list({ hostId: 'local' }), (l) => l.containers.some((c) => c.name === name && c.state === 'running'));
    expect(list.containers.find((c) => c.name === name)).toMatchObject({ host: 'local', runtime: 'podman', state: 'running' });
  });

  it('checkpoints with progress, and memory still verifies after restore', async () => {
    const before = await memhogStatus(name);
    expect(before).toMatch(/^\d+ ok 64/);
    const ck = await api.checkpoints.create({ hostId: 'local', runtime: 'podman', container: name, options: { compression: 'zstd', leaveRunning: false, note: 'memhog 64 MiB ✓' }, operationId: `op-${process.pid}-aa` });
    made.push(ck.id);
    expect(ck).toMatchObject({ hostId: 'local', note: 'memhog 64 MiB ✓', options: ['--compress=zstd'], archive: 'archive.tar.zst' });
    expect(ck.sizes.pages).toBeGreaterThan(64 * 1024 * 1024);
    const phases = progress.filter((p) => p.operationId === `op-${process.pid}-aa`).map((p) => p.phase);
    expect(phases[0]).toBe('dump');
    expect(phases.at(-1)).toBe('done');
    expect(progress.every((p) => p.elapsedMs >= 0)).toBe(true);

    const detail = await api.checkpoints.inspect({ hostId: 'local', checkpointId: ck.id });
    expect(detail.files.some((f) => f.path === 'checkpoint/inventory.img')).toBe(true);
    expect(detail.files.some((f) => /pages-\d+\.img$/.test(f.path))).toBe(false);
    expect(detail.stats).toHaveProperty('container_statistics');

    const listed = await api.checkpoints.list({ hostId: 'local' });
    expect(listed.checkpoints.map((c) => c.id)).toContain(ck.id);

    const r = await api.checkpoints.restore({ hostId: 'local', checkpointId: ck.id });
    expect(r.container).toMatchObject({ runtime: 'podman', name });
    // The restored memhog goes on from where it was dumped and verifies its memory again.
    const [iter, verdict] = (await memhogStatus(name, Number(before.split(' ')[0]))).split(' ');
    expect(verdict).toBe('ok');
    expect(Number(iter)).toBeGreaterThan(Number(before.split(' ')[0]));

    const copy = await api.checkpoints.restore({ hostId: 'local', checkpointId: ck.id, options: { name: `${name}-2` } });
    expect(copy.container.name).toBe(`${name}-2`);
    expect(await memhogStatus(`${name}-2`)).toMatch(/ ok 64$/);
  });

  it('refuses bad input at the contract and explains unsupported options', async () => {
    await expect(api.checkpoints.create({ hostId: 'local', runtime: 'podman', container: 'x;reboot' })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(api.checkpoints.restore({ hostId: 'local', checkpointId: 'ck-$(reboot)' })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(api.checkpoints.create({ hostId: 'local', runtime: 'docker', container: name, options: { compression: 'zstd' } })).rejects.toMatchObject({ code: 'not-supported' });
    // No dirty-memory tracking on this kernel: the pre-checkpoint is refused with a reason, not attempted.
    await expect(api.checkpoints.create({ hostId: 'local', runtime: 'podman', container: name, options: { preCheckpoint: true } })).rejects.toMatchObject({ code: 'not-supported' });
    await expect(api.checkpoints.create({ hostId: 'local', runtime: 'podman', container: 'stasis-test-nope' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describeSystem('Docker checkpoint/restore through the API', ['root', 'criu', 'docker'], () => {
  const name = `${tag}-docker`;
  const started = Date.now();
  let descriptors = '';
  afterAll(() => {
    spawnSync('docker', ['rm', '-f', name, `${name}-new`]);
    if (descriptors) removeContainerdRestoreCopies(descriptors, started);
  });

  it('restores into the same container and into a new one, counter continuing', async () => {
    sh('docker', 'run', '-d', '--pull', 'never', '--network', 'none', '--name', name, 'stasis-busybox:latest', 'sh', '-c',
      'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done');
    await containerCount('docker', name);
    const list = await api.containers.list({ hostId: 'local' });
    expect(list.containers.find((c) => c.name === name)).toMatchObject({ runtime: 'docker', state: 'running' });
    const ck = await api.checkpoints.create({ hostId: 'local', runtime: 'docker', container: name, options: { leaveRunning: false } });
    made.push(ck.id);
    descriptors = sh('tar', '-xOf', path.join(STORE, 'checkpoints', ck.id, ck.archive), './descriptors.json');
    expect(ck.container.runtime).toBe('docker');
    // The count the stopped container's file holds: what the process had reached when it was dumped.
    const atDump = Number(sh('sh', '-c', `docker cp ${name}:/tmp/count - | tar -xOf -`));
    expect(atDump).toBeGreaterThan(0);
    await api.checkpoints.restore({ hostId: 'local', checkpointId: ck.id });
    // Counting on from the dump, not from zero: the restored process carries on.
    const a = await until(`${name} counting past ${atDump}`, () => containerCount('docker', name), (n) => n > atDump);
    await until(`${name} still counting past ${a}`, () => containerCount('docker', name), (n) => n > a);
    const r = await api.checkpoints.restore({ hostId: 'local', checkpointId: ck.id, options: { name: `${name}-new` } });
    expect(r.container.name).toBe(`${name}-new`);
    // Docker checkpoints carry no rootfs: the file exists again only because the restored process kept counting.
    await until(`${name}-new counting past ${atDump}`, () => containerCount('docker', `${name}-new`), (n) => n > atDump);
  });
});

describeSystem('process tree checkpoint/restore through the API', ['root', 'criu'], () => {
  const file = path.join(dir, 'count');
  let pid = 0;
  afterAll(() => {
    spawnSync('pkill', ['-f', file]);
    if (pid) deleteStoredCheckpoints((c) => c.container.runtime === 'process' && c.container.id === String(pid));
  });

  it('restores a running tree into a new PID namespace, counter continuing', async () => {
    writeFileSync(file, '0');
    const child = spawn('setsid', ['sh', '-c', `i=0; while :; do i=$((i+1)); echo $i > ${file}; sleep 0.1; done`], { stdio: 'ignore', detached: true });
    child.unref();
    await until(`the counter writing ${file}`, () => readFileSync(file, 'utf8').trim(), (t) => Number(t) > 0);
    pid = Number(sh('pgrep', '-f', `echo .i > ${file}`).split('\n')[0]);
    expect(pid).toBeGreaterThan(1);
    const ck = await api.checkpoints.create({ hostId: 'local', runtime: 'process', container: String(pid), options: { leaveRunning: true } });
    made.push(ck.id);
    expect(ck.container).toMatchObject({ runtime: 'process', id: String(pid) });
    // The original still runs, so its PID is taken: the helper restores into a fresh PID namespace.
    const r = await api.checkpoints.restore({ hostId: 'local', checkpointId: ck.id });
    expect(r.container.runtime).toBe('process');
    process.kill(pid, 'SIGKILL');
    await until(`process ${pid} gone`, () => spawnSync('kill', ['-0', String(pid)]).status, (st) => st !== 0);
    // Only the restored tree writes the file now: the count going up proves it runs.
    const a = await readCount(file);
    await until(`the restored tree counting past ${a}`, () => readCount(file), (n) => n > a);
  });
});
