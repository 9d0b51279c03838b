import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createClient } from '../../../shared/api/client';
import { createDispatch } from '../../../shared/api/dispatch';
import type { MigrationProgress, MigrationResult } from '../../../shared/domain/migration';
import { createAppServices } from '../app-services';
import { deleteStoredCheckpoints, removePodmanContainers } from '../../../test-support/cleanup';
import { until } from '../../../test-support/poll';
import { SSH_HOSTS_DIR, describeSystem } from '../../../test-support/system';
import { INSTALLED_HELPER } from '../helper-source';
import { migrationOverTestHosts, sshTo } from '../../../test-support/ssh-test-hosts';
import type { HostRegistry } from '../host-registry';
import type { MigrationService } from './migration-service';

/**
 * Real migrations between the SSH test hosts (stasis-a → stasis-b: private stores and helpers, so the bytes really
 * move), with real podman, runc and CRIU. Faults are real too: a killed helper, a cut SSH session, a damaged
 * archive, a SIGKILLed CLI. Afterwards the container must run on exactly one host and the checkpoint must be kept.
 */
describeSystem('migration between SSH hosts', ['root', 'criu', 'podman', 'ssh-hosts'], () => {
  const config = path.join(SSH_HOSTS_DIR, 'ssh_config');
  const prefix = `stasis-test-mig-${process.pid}`;
  const made: string[] = [];
  const journals: string[] = [];
  let hosts: HostRegistry;
  let svc: MigrationService;
  const faults: { beforeRestore?(ck: string): Promise<void> } = {};

  const ssh = sshTo;
  const state = (host: string, name: string): string =>
    ssh(host, 'podman', 'container', 'inspect', '--format', '{{.State.Status}}', name).stdout.trim() || 'absent';
  const runsOn = (name: string): string[] => ['stasis-a', 'stasis-b'].filter((h) => state(h, name) === 'running');
  const storedOn = (host: string, ck: string): boolean => ssh(host, 'test', '-f', `/var/lib/stasis/hosts/${host}/checkpoints/${ck}/meta.json`).status === 0;

  function counter(name: string): void {
    made.push(name);
    const r = ssh('stasis-a', 'podman', 'run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c',
      "'i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.1; done'");
    expect(r.status, r.stderr).toBe(0);
  }
  const count = (host: string, name: string): number => Number(ssh(host, 'podman', 'exec', name, 'cat', '/tmp/n').stdout.trim() || 'NaN');

  async function memhog(name: string, mib = 256): Promise<void> {
    made.push(name);
    const r = ssh('stasis-a', 'podman', 'run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox:latest', 'memhog', String(mib), '0', '/tmp/c');
    expect(r.status, r.stderr).toBe(0);
    await until(`memhog to fill ${mib} MiB`, () => ssh('stasis-a', 'podman', 'exec', name, 'cat', '/tmp/c.ready').stdout, (s) => s.includes('MiB touched'));
  }
  /** memhog's status line: "<iteration> ok|BAD <MiB>". */
  const memStatus = (host: string, name: string) => {
    const [it, verdict] = ssh(host, 'podman', 'exec', name, 'cat', '/tmp/c').stdout.trim().split(' ');
    return { it: Number(it), verdict };
  };

  const move = (container: string, o: { source?: string; dest?: string } = {}) =>
    svc.start({
      sourceHostId: o.source ?? 'stasis-a',
      destHostId: o.dest ?? 'stasis-b',
      container,
      runtime: 'podman',
      strategy: 'auto',
      keepSource: false,
      copyImage: false,
    });
  const remember = (r: MigrationResult) => journals.push(r.migrationId);

  /** The destination helper receiving this container, once it runs (the test hosts' processes are visible from here). */
  const helperPid = (verb: string, name: string): number | undefined => {
    const r = spawnSync('pgrep', ['-f', `stasis-helper ${verb} mg-[a-z0-9-]+ ck-[a-z0-9-]+ podman [a-f0-9]+ ${name} `], { encoding: 'utf8' });
    return Number(r.stdout.trim().split('\n')[0]) || undefined;
  };
  const parentOf = (pid: number): number => Number(spawnSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim());
  const commOf = (pid: number): string => spawnSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();

  beforeAll(() => {
    ({ hosts, svc } = migrationOverTestHosts(faults));
  });

  afterAll(() => {
    hosts?.closeAll();
    for (const h of ['stasis-a', 'stasis-b']) {
      removePodmanContainers(made, ['ssh', '-F', config, h, 'podman']);
      deleteStoredCheckpoints((c) => c.container.name.startsWith(prefix), ['ssh', '-F', config, h, INSTALLED_HELPER]);
    }
    const found = ssh('stasis-a', 'sh', '-c', `'grep -l "^cname ${prefix}" /var/lib/stasis/hosts/stasis-a/migrations/mg-* 2>/dev/null'`).stdout.split('\n').filter(Boolean);
    const ids = [...new Set([...journals.map((j) => `/var/lib/stasis/hosts/stasis-a/migrations/${j}`), ...found])];
    if (ids.length) ssh('stasis-a', 'rm', '-f', ...ids, ...ids.map((f) => `${f}.log`));
  }, 300_000);

  it('moves a counter container: it counts on at the destination, the source no longer runs it, the checkpoint is kept on both', async () => {
    const name = `${prefix}-counter`;
    counter(name);
    await until('the counter to count', () => count('stasis-a', name), (n) => n > 3);
    const input = { sourceHostId: 'stasis-a', destHostId: 'stasis-b', container: name, runtime: 'podman', strategy: 'auto', keepSource: false, copyImage: false } as const;
    // A process started with exec would not move: the preflight names it and warns (issue 12); ended, it is ok.
    expect(ssh('stasis-a', 'podman', 'exec', '-d', name, 'sleep', '7331').status).toBe(0);
    const warned = await until('the exec\'d sleep to be named', () => svc.check(input), (p) => /sleep 7331/.test(p.checks.find((c) => c.id === 'lost-processes')?.detail ?? ''));
    expect(warned.ok).toBe(true);
    expect(warned.checks.find((c) => c.id === 'lost-processes')).toMatchObject({ verdict: 'warn', fix: expect.stringMatching(/Stop them before migrating/) });
    // Ended by its PID in the container, as the check names it (ssh joins its arguments: the script is quoted).
    const nspid = /PID (\d+) \(sleep 7331\)/.exec(warned.checks.find((c) => c.id === 'lost-processes')?.detail ?? '')?.[1];
    expect(ssh('stasis-a', 'podman', 'exec', name, 'sh', '-c', `'kill ${nspid}'`).status).toBe(0);
    const plan = await until('the exec\'d sleep to be gone', () => svc.check(input), (p) => p.checks.find((c) => c.id === 'lost-processes')?.verdict === 'ok');
    expect(plan.ok).toBe(true);
    expect(plan.strategy).toBe('stop-and-copy');
    expect(plan.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['helper', 'criu', 'cpu', 'kernel', 'runtime', 'image', 'name', 'disk', 'network', 'sockets', 'lost-processes', 'strategy']),
    );
    const before = count('stasis-a', name);
    const r = await move(name);
    remember(r);
    expect(r).toMatchObject({ runningOn: 'stasis-b', rolledBack: false, strategy: 'stop-and-copy' });
    expect(r.bytes).toBeGreaterThan(0);
    expect(r.digest).toMatch(/^[0-9]{1,10}$/);
    // A shell counting has a sample that compresses: the link's measured rate decided, and the result says how.
    expect(r.preflight.find((c) => c.id === 'compression')?.label).toMatch(/^Compression on the wire: (zstd|none)$/);
    expect(r.downtimeMs).toBeLessThanOrEqual(r.totalMs);
    const after = await until('the counter to go on at the destination', () => count('stasis-b', name), (n) => n > before + 3);
    expect(after).toBeGreaterThan(before);
    expect(runsOn(name)).toEqual(['stasis-b']);
    expect(state('stasis-a', name)).toBe('absent');
    expect(storedOn('stasis-a', r.checkpointId!)).toBe(true);
    expect(storedOn('stasis-b', r.destCheckpointId!)).toBe(true);
  }, 300_000);

  it('moves a 256 MiB memhog container and its memory checksum holds at the destination', async () => {
    const name = `${prefix}-memhog`;
    await memhog(name);
    const r = await move(name);
    remember(r);
    expect(r).toMatchObject({ runningOn: 'stasis-b', rolledBack: false });
    // Random memory goes as it is: never more bytes on the wire than the archive, and no CPU spent on zstd.
    expect(r.preflight.find((c) => c.id === 'compression')).toMatchObject({ label: 'Compression on the wire: none', detail: expect.stringMatching(/random-looking/) });
    expect(r.bytes).toBeGreaterThan(256 * 1024 * 1024);
    const first = memStatus('stasis-b', name);
    // Several full re-checksums of the 256 MiB (one every 10 iterations) after the move.
    const later = await until('memhog to re-verify its memory', () => memStatus('stasis-b', name), (s) => s.it > first.it + 25);
    expect(later.verdict).toBe('ok');
    expect(runsOn(name)).toEqual(['stasis-b']);
  }, 300_000);

  it('moves as the helper-only user (stasisop through sudo on both hosts)', async () => {
    const name = `${prefix}-op`;
    counter(name);
    await until('the counter to count', () => count('stasis-a', name), (n) => n > 3);
    const r = await move(name, { source: 'stasis-a-op', dest: 'stasis-b-op' });
    remember(r);
    expect(r).toMatchObject({ runningOn: 'stasis-b-op', rolledBack: false });
    const before = count('stasis-b', name);
    await until('the counter to go on at the destination', () => count('stasis-b', name), (n) => n > before + 3);
    expect(runsOn(name)).toEqual(['stasis-b']);
    expect(storedOn('stasis-a', r.checkpointId!)).toBe(true);
  }, 300_000);

  it('copies a missing image first when asked (podman save | podman load through both helpers), and refuses without', async () => {
    const name = `${prefix}-image`;
    const image = `localhost/${prefix}-img:1`;
    made.push(name);
    try {
      expect(ssh('stasis-a', 'podman', 'tag', 'localhost/stasis-busybox:latest', image).status).toBe(0);
      expect(ssh('stasis-a', 'podman', 'run', '-d', '--name', name, '--network', 'none', image, 'sleep', '100000').status).toBe(0);
      const input = { sourceHostId: 'stasis-a', destHostId: 'stasis-b', container: name, runtime: 'podman', strategy: 'auto', keepSource: false } as const;
      const plan = await svc.check({ ...input, copyImage: false });
      expect(plan.ok).toBe(false);
      expect(plan.checks.find((c) => c.id === 'image')).toMatchObject({ verdict: 'fail' });
      await expect(svc.start({ ...input, copyImage: false })).rejects.toMatchObject({ code: 'bad-request' });
      expect(runsOn(name)).toEqual(['stasis-a']);
      const r = await svc.start({ ...input, copyImage: true });
      remember(r);
      expect(r).toMatchObject({ runningOn: 'stasis-b', rolledBack: false });
      expect(r.imageBytes).toBeGreaterThan(0);
      expect(r.phases.map((p) => p.phase)).toContain('image-copy');
      expect(runsOn(name)).toEqual(['stasis-b']);
    } finally {
      removePodmanContainers([name], ['ssh', '-F', config, 'stasis-b', 'podman']);
      // (podman untag IMAGE alone drops every name of the image, the shared busybox's too: name the one to drop)
      for (const h of ['stasis-a', 'stasis-b']) ssh(h, 'podman', 'untag', image, image);
    }
  }, 300_000);

  it('rolls back onto the source when the destination restore fails (the landed archive is damaged)', async () => {
    const name = `${prefix}-badrestore`;
    counter(name);
    await until('the counter to count', () => count('stasis-a', name), (n) => n > 3);
    faults.beforeRestore = async (ck) => {
      ssh('stasis-b', 'truncate', '-s', '4096', `/var/lib/stasis/hosts/stasis-b/checkpoints/${ck}/archive.tar`);
    };
    let r: MigrationResult;
    try {
      r = await move(name);
    } finally {
      delete faults.beforeRestore;
    }
    remember(r);
    expect(r).toMatchObject({ runningOn: 'stasis-a', rolledBack: true });
    const before = count('stasis-a', name);
    await until('the counter to go on at the source', () => count('stasis-a', name), (n) => n > before + 3);
    expect(runsOn(name)).toEqual(['stasis-a']);
    expect(storedOn('stasis-a', r.checkpointId!)).toBe(true);
  }, 300_000);

  it('rolls back onto the source when the destination helper is killed mid-transfer', async () => {
    const name = `${prefix}-killdst`;
    await memhog(name);
    const moving = move(name);
    const pid = await until('the destination helper to receive', () => helperPid('migrate-in', name), Boolean, { timeoutMs: 60_000, everyMs: 20 });
    process.kill(pid!, 'SIGKILL');
    const r = await moving;
    remember(r);
    expect(r).toMatchObject({ runningOn: 'stasis-a', rolledBack: true });
    expect(runsOn(name)).toEqual(['stasis-a']);
    const s = memStatus('stasis-a', name);
    await until('memhog to verify on the source', () => memStatus('stasis-a', name), (x) => x.it > s.it + 12 && x.verdict === 'ok');
    expect(storedOn('stasis-a', r.checkpointId!)).toBe(true);
  }, 300_000);

  it('rolls back onto the source when the SSH connection to the destination is cut mid-transfer', async () => {
    const name = `${prefix}-cutssh`;
    await memhog(name);
    const moving = move(name);
    const pid = await until('the destination helper to receive', () => helperPid('migrate-in', name), Boolean, { timeoutMs: 60_000, everyMs: 20 });
    // Up from the helper to the sshd process serving this session (the test hosts' sshd runs on this machine).
    let p = parentOf(pid!);
    while (p > 1 && commOf(p) !== 'sshd') p = parentOf(p);
    expect(commOf(p)).toBe('sshd');
    process.kill(p, 'SIGKILL');
    const r = await moving;
    remember(r);
    expect(r.rolledBack).toBe(true);
    expect(runsOn(name)).toEqual(['stasis-a']);
    expect(storedOn('stasis-a', r.checkpointId!)).toBe(true);
  }, 300_000);

  describe('migrate.cancel through the typed API (as the app\'s Cancel button calls it)', () => {
    let app: { api: ReturnType<typeof createClient>; events: MigrationProgress[]; close(): void };
    beforeAll(() => {
      const events: MigrationProgress[] = [];
      const services = createAppServices({
        mode: 'browser',
        sshConfigPath: config,
        hostsFile: '/nonexistent-stasis-test/hosts.json',
        emit: (event, payload) => {
          if (event === 'migrationProgress') events.push(payload as MigrationProgress);
        },
      });
      const dispatch = createDispatch(services.handlers);
      app = { api: createClient({ invoke: (c, i) => dispatch(c, i, { caller: 'test' }), on: () => () => {} }), events, close: () => services.close() };
    });
    afterAll(() => app?.close());
    const request = (container: string, operationId: string) =>
      ({ sourceHostId: 'stasis-a', destHostId: 'stasis-b', container, runtime: 'podman', strategy: 'auto', keepSource: false, copyImage: false, operationId }) as const;
    const startedAt = (name: string) => ssh('stasis-a', 'podman', 'container', 'inspect', '--format', '{{.State.StartedAt}}', name).stdout.trim();

    it('before the freeze is clean: nothing stopped, no checkpoint, no journal', async () => {
      const name = `${prefix}-cancel-early`;
      counter(name);
      await until('the counter to count', () => count('stasis-a', name), (n) => n > 3);
      const since = startedAt(name);
      const operationId = `op-${randomBytes(8).toString('hex')}`;
      const moving = app.api.migrate.start(request(name, operationId));
      // While the preflight asks both hosts: the move must stop before its journal and freeze.
      await expect(app.api.migrate.cancel({ operationId })).resolves.toEqual({ cancelled: true });
      await expect(moving).rejects.toMatchObject({ code: 'cancelled', message: expect.stringMatching(/before anything stopped/) });
      expect(app.events.filter((e) => e.operationId === operationId).map((e) => e.phase)).not.toContain('freeze');
      expect(runsOn(name)).toEqual(['stasis-a']);
      expect(startedAt(name)).toBe(since);
      const before = count('stasis-a', name);
      await until('the counter to go on', () => count('stasis-a', name), (n) => n > before);
      expect(ssh('stasis-a', INSTALLED_HELPER, 'journal', 'list').stdout).not.toContain(name);
      expect(ssh('stasis-a', INSTALLED_HELPER, 'list').stdout).not.toContain(name);
    }, 300_000);

    it('after the freeze rolls back: the container runs on the source again, only there, from the kept checkpoint', async () => {
      const name = `${prefix}-cancel-late`;
      await memhog(name, 64);
      const operationId = `op-${randomBytes(8).toString('hex')}`;
      const moving = app.api.migrate.start(request(name, operationId));
      await until('the archive to flow', () => app.events.some((e) => e.operationId === operationId && e.phase === 'transfer'), Boolean, { timeoutMs: 120_000, everyMs: 20 });
      await expect(app.api.migrate.cancel({ operationId })).resolves.toEqual({ cancelled: true });
      const r = await moving;
      remember(r);
      expect(r).toMatchObject({ runningOn: 'stasis-a', rolledBack: true, message: expect.stringMatching(/Cancelled/) });
      expect(r.phases.map((p) => p.phase)).toContain('rollback');
      expect(runsOn(name)).toEqual(['stasis-a']);
      const s = memStatus('stasis-a', name);
      await until('memhog to verify on the source', () => memStatus('stasis-a', name), (x) => x.it > s.it + 5 && x.verdict === 'ok');
      expect(storedOn('stasis-a', r.checkpointId!)).toBe(true);
    }, 300_000);
  });

  it('after the CLI is SIGKILLed mid-way, the next run finds the interrupted migration and settles it', async () => {
    const name = `${prefix}-killcli`;
    await memhog(name);
    const cli = spawn(process.execPath, ['bin/stasis.mjs', 'migrate', 'stasis-a', name, 'stasis-b', '--ssh-config', config, '--json'], { stdio: 'ignore' });
    await until('the destination helper to receive', () => helperPid('migrate-in', name), Boolean, { timeoutMs: 60_000, everyMs: 20 });
    cli.kill('SIGKILL');
    // The source helper finishes storing the checkpoint on its own; a journal whose helper still runs is left alone.
    await until(
      'the source helper to finish storing the checkpoint',
      () => ssh('stasis-a', INSTALLED_HELPER, 'journal', 'list').stdout,
      (out) => out.includes(name) && !out.includes('"live":true'),
      { timeoutMs: 120_000, everyMs: 500 },
    );
    const again = spawnSync(process.execPath, ['bin/stasis.mjs', 'migrate', 'stasis-a', name, 'stasis-b', '--ssh-config', config, '--check'], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(again.stderr).toMatch(/found interrupted migration (mg-[a-z0-9-]+).*\n.*(rolled-back|finished)/);
    journals.push(/found interrupted migration (mg-[a-z0-9-]+)/.exec(again.stderr)![1]!);
    expect(runsOn(name)).toHaveLength(1);
  }, 300_000);
});
