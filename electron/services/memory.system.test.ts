import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '../../shared/api/client';
import type { MemSource } from '../../shared/api/contract';
import { createDispatch } from '../../shared/api/dispatch';
import { deleteStoredCheckpoints } from '../../test-support/cleanup';
import { SSH_HOSTS_DIR, describeSystem } from '../../test-support/system';
import { createAppServices } from './app-services';

// images.memSearch / images.memDump through the typed API, on real podman checkpoints: files (zstd and plain tar)
// and a checkpoint in this computer's store, streamed through the helper.
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-test-mem-'));
const services = createAppServices({ mode: 'browser', sshConfigPath: path.join(dir, 'none'), hostsFile: path.join(dir, 'hosts.json') });
const dispatch = createDispatch(services.handlers);
const api = createClient({ invoke: (c, i) => dispatch(c, i, { caller: 'test' }), on: () => () => {} });
const podman = (...args: string[]): string => execFileSync('podman', args, { encoding: 'utf8', timeout: 120_000 }).trim();

const name = `stasis-test-mem-${process.pid}`;
const marker = `stasis-marker-${process.pid}-x`;
const zst = path.join(dir, 'a.tar.zst');
const plain = path.join(dir, 'a.tar');
const made: string[] = [];
// Here, not in the describe block: a skipped block runs no hooks, and the folder is made at load.
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeSystem('memory search and dump through the API', ['root', 'criu', 'podman'], () => {
  beforeAll(() => {
    podman('run', '-d', '--name', name, '--network', 'none', '-e', `MARKER=${marker}`, 'localhost/stasis-busybox:latest', 'sh', '-c', 'while true; do sleep 0.2; done');
    podman('container', 'checkpoint', '--leave-running', name, '--export', zst, '--compress', 'zstd');
    podman('container', 'checkpoint', '--leave-running', name, '--export', plain, '--compress', 'none');
  });
  afterAll(async () => {
    for (const id of made) await api.checkpoints.delete({ hostId: 'local', checkpointId: id }).catch(() => undefined);
    deleteStoredCheckpoints((c) => c.container.name === name);
    spawnSync('podman', ['rm', '-f', '-t', '0', name]);
    services.close();
  });

  const findsMarker = async (source: MemSource): Promise<void> => {
    const r = await api.images.memSearch({ source, pid: 1, query: { kind: 'text', text: marker }, context: 16 });
    expect(r.truncated).toBe(false);
    expect(r.searchedBytes).toBeGreaterThan(0);
    expect(r.matches.length).toBeGreaterThanOrEqual(1);
    const m = r.matches[0]!;
    expect(m.match.text).toBe(marker);
    expect(m.context.text).toContain(`MARKER=${marker}`);
    expect(m.vma?.label).toMatch(/^0x[0-9a-f]+-0x[0-9a-f]+ rw/);
    const dump = await api.images.memDump({ source, pid: 1, address: m.address, length: marker.length });
    expect(dump.pieces).toEqual([{ address: m.address, hex: Buffer.from(marker).toString('hex') }]);
    expect(dump.vmas.map((v) => v.label)).toEqual([m.vma!.label]);
  };

  it('finds a marker from the environment in a zstd archive and dumps its bytes', () => findsMarker({ path: zst }));
  it('finds it in an uncompressed archive (read at random)', () => findsMarker({ path: plain }));

  it('regex and hex queries find the same place', async () => {
    const text = await api.images.memSearch({ source: { path: zst }, pid: 1, query: { kind: 'text', text: marker } });
    const regex = await api.images.memSearch({ source: { path: zst }, pid: 1, query: { kind: 'regex', source: 'stasis-marker-\\d+-x' } });
    const hex = await api.images.memSearch({ source: { path: zst }, pid: 1, query: { kind: 'hex', hex: Buffer.from(marker).toString('hex') } });
    expect(regex.matches.map((m) => m.address)).toEqual(text.matches.map((m) => m.address));
    expect(hex.matches.map((m) => m.address)).toEqual(text.matches.map((m) => m.address));
  });

  it('bad input gets a clear error that says what to do', async () => {
    const source = { path: zst };
    await expect(api.images.memSearch({ source, pid: 1, query: { kind: 'regex', source: '(' } })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/^The regular expression "\(" is not a valid regular expression/),
    });
    await expect(api.images.memSearch({ source, pid: 1, query: { kind: 'hex', hex: 'zz' } })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/^The hex pattern/) });
    await expect(api.images.memSearch({ source, pid: 4321, query: { kind: 'text', text: 'x' } })).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/^There is no process 4321 in this checkpoint \(pids: 1.*Pick another process/),
    });
    await expect(api.images.memDump({ source, pid: 1, address: '0x1000', length: 16 })).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('not mapped in process 1') });
    await expect(api.images.memDump({ source, pid: 1, address: 'nothex', length: 16 })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(api.images.memDump({ source, pid: 1, address: '0x1000', length: 1024 * 1024 })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(api.images.memSearch({ source: { path: 'relative' }, pid: 1, query: { kind: 'text', text: 'x' } })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(api.images.memSearch({ source: { path: path.join(dir, 'missing.tar') }, pid: 1, query: { kind: 'text', text: 'x' } })).rejects.toMatchObject({ code: 'not-found' });
  });

  it("searches a checkpoint in this computer's store by streaming its archive through the helper", async () => {
    const ck = await api.checkpoints.create({ hostId: 'local', runtime: 'podman', container: name, options: { compression: 'zstd', leaveRunning: true } });
    made.push(ck.id);
    await findsMarker({ hostId: 'local', checkpointId: ck.id });
    await expect(api.images.memSearch({ source: { hostId: 'local', checkpointId: 'ck-does-not-exist' }, pid: 1, query: { kind: 'text', text: 'x' } })).rejects.toMatchObject({ code: 'not-found' });
  }, 120_000);
});

describeSystem('memory search of a checkpoint stored on an SSH host', ['root', 'criu', 'podman', 'ssh-hosts'], () => {
  const config = path.join(SSH_HOSTS_DIR, 'ssh_config');
  const remote = createAppServices({ mode: 'browser', sshConfigPath: config, hostsFile: path.join(dir, 'hosts-ssh.json') });
  const remoteDispatch = createDispatch(remote.handlers);
  const rapi = createClient({ invoke: (c, i) => remoteDispatch(c, i, { caller: 'test' }), on: () => () => {} });
  const podmanOnB = ['ssh', '-F', config, '-o', 'BatchMode=yes', 'stasis-b', 'podman'];
  const made: string[] = [];
  afterAll(async () => {
    for (const id of made) await rapi.checkpoints.delete({ hostId: 'stasis-b', checkpointId: id }).catch(() => undefined);
    spawnSync(podmanOnB[0]!, [...podmanOnB.slice(1), 'rm', '-f', '-t', '0', name]);
    remote.close();
  });

  it('streams the archive over SSH through the helper and finds the marker', async () => {
    execFileSync(podmanOnB[0]!, [...podmanOnB.slice(1), 'run', '-d', '--name', name, '--network', 'none', '-e', `MARKER=${marker}`, 'localhost/stasis-busybox:latest', 'sh', '-c', `'while true; do sleep 0.2; done'`], { timeout: 120_000 });
    const ck = await rapi.checkpoints.create({ hostId: 'stasis-b', runtime: 'podman', container: name, options: { compression: 'zstd' } });
    made.push(ck.id);
    const source = { hostId: 'stasis-b', checkpointId: ck.id };
    const r = await rapi.images.memSearch({ source, pid: 1, query: { kind: 'regex', source: 'stasis-marker-\\d+-x' } });
    expect(r.matches[0]?.match.text).toBe(marker);
    const dump = await rapi.images.memDump({ source, pid: 1, address: r.matches[0]!.address, length: marker.length });
    expect(dump.pieces).toEqual([{ address: r.matches[0]!.address, hex: Buffer.from(marker).toString('hex') }]);
  }, 180_000);
});
