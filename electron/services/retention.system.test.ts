import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '../../shared/api/client';
import { createDispatch } from '../../shared/api/dispatch';
import { deleteStoredCheckpoints, removePodmanContainers } from '../../test-support/cleanup';
import { describeSystem } from '../../test-support/system';
import { createAppServices } from './app-services';

// Retention and option defaults now live in TypeScript (issue #8 §2): the helper only lists and deletes by id.
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-test-'));
const services = createAppServices({ mode: 'browser', sshConfigPath: path.join(dir, 'none'), hostsFile: path.join(dir, 'hosts.json') });
const dispatch = createDispatch(services.handlers);
const api = createClient({ invoke: (c, i) => dispatch(c, i, { caller: 'test' }), on: () => () => {} });
const tag = `stasis-test-keep-${process.pid}`;

describeSystem('retention and defaults, decided in TypeScript', ['root', 'criu', 'podman'], () => {
  beforeAll(() => {
    for (const n of [tag, `${tag}-other`]) {
      execFileSync('podman', ['run', '-d', '--name', n, '--network', 'none', 'localhost/stasis-busybox:latest', 'sleep', '100000']);
    }
  });
  afterAll(() => {
    deleteStoredCheckpoints((c) => c.container.name.startsWith(tag));
    removePodmanContainers([tag, `${tag}-other`]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the newest N of one container, deleting older ones by id, and compresses with zstd by default', async () => {
    const take = (name: string, keepLast?: number) =>
      api.checkpoints.create({ hostId: 'local', runtime: 'podman', container: name, options: { leaveRunning: true, ...(keepLast ? { keepLast } : {}) } });
    const other = await take(`${tag}-other`);
    const a = await take(tag);
    const b = await take(tag);
    const c = await take(tag, 2);
    // The table's default compression, for the API as for the CLI and the dialog.
    expect(c.archive).toBe('archive.tar.zst');
    const ids = (await api.checkpoints.list({ hostId: 'local' })).checkpoints.map((k) => k.id);
    expect(ids).toEqual(expect.arrayContaining([b.id, c.id, other.id]));
    expect(ids).not.toContain(a.id);
    // The helper no longer takes the option: root code has no retention policy left.
    const r = spawnSync('/bin/sh', ['electron/helper/stasis-helper.sh', 'checkpoint', 'podman', tag, '--leave-running', '--keep-last=1'], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/"code":"bad-request"/);
  });
});
