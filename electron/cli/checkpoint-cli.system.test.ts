import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import type { Checkpoint, RestoreResult } from '../../shared/domain/checkpoint';
import type { ContainerSummary } from '../../shared/domain/container';
import { deleteStoredCheckpoints } from '../../test-support/cleanup';
import { until } from '../../test-support/poll';
import { SSH_HOSTS_DIR, describeSystem } from '../../test-support/system';

// The built CLI as a user runs it (npm test builds first).
const stasis = (...args: string[]) => spawnSync(process.execPath, ['bin/stasis.mjs', ...args], { encoding: 'utf8', timeout: 120_000 });
const NAME = `stasis-test-cli-${process.pid}`;
const counter = () => Number(execFileSync('podman', ['exec', NAME, 'cat', '/tmp/count'], { encoding: 'utf8' }).trim() || NaN);
/** Waits until the container's counter (ten a second) is past `after`. */
const counterPast = (after = 0) => until(`${NAME} counting past ${after}`, counter, (n) => n > after);

describeSystem('stasis ps / checkpoint / checkpoints / restore / rm', ['root', 'criu', 'podman'], () => {
  afterAll(() => {
    spawnSync('podman', ['rm', '-f', '-t', '0', NAME]);
    // The round trip removes its checkpoint; a failed one must not leave it in the store.
    deleteStoredCheckpoints((c) => c.container.name === NAME);
  });

  it('goes round trip with --json', async () => {
    execFileSync('podman', ['run', '-d', '--name', NAME, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c',
      'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done']);
    await counterPast();
    const ps = stasis('ps', '--host', 'local', '--json');
    expect(ps.status, ps.stderr).toBe(0);
    const mine = (JSON.parse(ps.stdout) as ContainerSummary[]).find((c) => c.name === NAME);
    expect(mine).toMatchObject({ host: 'local', runtime: 'podman', name: NAME, state: 'running' });
    expect(mine?.id).toMatch(/^[0-9a-f]{64}$/);

    // The default leaves it running (the dialog's default too); --no-leave-running stops it, so it can be restored in place.
    const running = stasis('checkpoint', 'local', NAME, '--json');
    expect(running.status, running.stderr).toBe(0);
    const kept = JSON.parse(running.stdout) as Checkpoint;
    expect(kept.options).toContain('--leave-running');
    expect(execFileSync('podman', ['container', 'inspect', '--format', '{{.State.Status}}', NAME], { encoding: 'utf8' }).trim()).toBe('running');
    expect(stasis('rm', 'local', kept.id, '--json').status).toBe(0);

    const ck = stasis('checkpoint', 'local', NAME, '--no-leave-running', '--json', '--note', 'from the CLI');
    expect(ck.status, ck.stderr).toBe(0);
    const made = JSON.parse(ck.stdout) as Checkpoint;
    expect(made).toMatchObject({ hostId: 'local', note: 'from the CLI', container: { name: NAME, runtime: 'podman' } });
    expect(made.id).toMatch(/^ck-/);

    const list = stasis('checkpoints', '--host', 'local', '--json');
    expect((JSON.parse(list.stdout) as Checkpoint[]).map((c) => c.id)).toContain(made.id);
    const text = stasis('checkpoints', '--host', 'local');
    expect(text.stdout).toContain(made.id);

    const rs = stasis('restore', 'local', made.id, '--json');
    expect(rs.status, rs.stderr).toBe(0);
    expect((JSON.parse(rs.stdout) as RestoreResult).container.name).toBe(NAME);
    const a = await counterPast();
    expect(await counterPast(a)).toBeGreaterThan(a);

    const again = stasis('restore', 'local', made.id);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/still running.*--name/);

    const rm = stasis('rm', 'local', made.id, '--json');
    expect(JSON.parse(rm.stdout)).toEqual({ deleted: made.id });
    expect(stasis('checkpoints', '--host', 'local', '--json').stdout).not.toContain(made.id);
  });

  it('refuses hostile arguments with exit 1 before anything runs', () => {
    for (const bad of ['x;id', '$(id)', "x'y", '../etc']) {
      const r = stasis('checkpoint', 'local', bad, '--runtime', 'podman');
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/Invalid input/);
    }
    const r = stasis('rm', 'local', 'ck-`id`');
    expect(r.status).toBe(1);
  });
});

describeSystem('stasis ps across SSH hosts', ['root', 'podman', 'ssh-hosts'], () => {
  it('lists every host with --ssh-config', () => {
    const r = stasis('ps', '--json', '--ssh-config', `${SSH_HOSTS_DIR}/ssh_config`);
    expect(r.status, r.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
    const hosts = stasis('hosts', '--json', '--ssh-config', `${SSH_HOSTS_DIR}/ssh_config`);
    const ids = (JSON.parse(hosts.stdout) as { id: string }[]).map((h) => h.id);
    expect(ids[0]).toBe('local');
    expect(ids).toContain('stasis-b');
  });
});
