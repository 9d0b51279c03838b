import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deleteStoredCheckpoints } from '../../test-support/cleanup';
import { describeSystem } from '../../test-support/system';

// The helper driven directly, as root, exactly as the app runs it on this computer.
const HELPER = path.resolve('electron/helper/stasis-helper.sh');
const STORE = `/var/lib/stasis/hosts/${execFileSync('hostname', { encoding: 'utf8' }).trim()}`;
const NAME = `stasis-test-helper-${process.pid}`;
const CANARY = `/tmp/stasis-test-pwned-${process.pid}`;

interface Line {
  event?: string;
  phase?: string;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
  v?: string;
}

function helper(...args: string[]): { lines: Line[]; status: number | null; stderr: string } {
  const r = spawnSync('/bin/sh', [HELPER, ...args], { encoding: 'utf8', timeout: 120_000 });
  const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  return { lines, status: r.status, stderr: r.stderr };
}
const last = (r: { lines: Line[] }) => r.lines[r.lines.length - 1]!;
const podman = (...args: string[]) => execFileSync('podman', args, { encoding: 'utf8', timeout: 60_000 }).trim();
const counter = (name: string) => Number(podman('exec', name, 'cat', '/tmp/count'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (): string[] => ((helper('list').lines[0]?.result as unknown as { id: string }[]) ?? []).map((m) => m.id);

function startCounter(name: string): void {
  podman('run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox:latest', 'sh', '-c',
    'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done');
}

describeSystem('stasis-helper on this computer', ['root', 'criu', 'podman'], () => {
  const made: string[] = [];
  beforeAll(() => startCounter(NAME));
  afterAll(() => {
    for (const n of [NAME, `${NAME}-copy`, `${NAME}-kill`]) spawnSync('podman', ['rm', '-f', '-t', '0', n]);
    for (const id of made) spawnSync('/bin/sh', [HELPER, 'delete', id]);
    // A checkpoint adopted after its helper was killed, or made by a test that failed before recording it.
    deleteStoredCheckpoints((c) => c.container.name.startsWith(NAME));
    rmSync(CANARY, { force: true });
  });

  it('is shellcheck-clean', () => {
    const r = spawnSync('shellcheck', ['-s', 'sh', HELPER], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses injection attempts before anything runs', () => {
    const attacks = [
      `x;touch ${CANARY}`,
      `$(touch ${CANARY})`,
      `\`touch ${CANARY}\``,
      `x' || touch ${CANARY} #`,
      `x" && touch ${CANARY} "`,
      `x\ntouch ${CANARY}`,
      '../../etc/passwd',
      'ck-../../../etc',
      'a'.repeat(10 * 1024),
      `x|touch ${CANARY}`,
      `x&touch ${CANARY}`,
      `x>${CANARY}`,
      'x y',
      '',
    ];
    const before = ids();
    for (const a of attacks) {
      for (const argv of [
        ['checkpoint', 'podman', a],
        ['checkpoint', 'podman', NAME, a],
        ['checkpoint', 'podman', NAME, `--note-b64=${a}`],
        ['restore', a],
        ['restore', 'ck-20260101000000-00000000', `--name=${a}`],
        ['delete', a],
        ['inspect', a],
        ['cancel', a],
        [a],
      ]) {
        const r = helper(...argv);
        expect(r.lines, `${JSON.stringify(argv).slice(0, 80)}`).toHaveLength(1);
        const err = last(r).error;
        expect(err?.code, JSON.stringify(argv).slice(0, 80)).toMatch(/^(bad-request|not-found)$/);
        expect(r.status).toBe(1);
      }
    }
    expect(existsSync(CANARY)).toBe(false);
    expect(ids()).toEqual(before);
    // The container was never touched.
    expect(podman('inspect', '--format', '{{.State.Status}}', NAME)).toBe('running');
  });

  it('checkpoints and restores a podman container whose counter continues', async () => {
    await sleep(800);
    const ck = helper('checkpoint', 'podman', NAME);
    const res = last(ck).result as { id: string; container: { name: string }; lineage: string; sizes: { pages: number } };
    expect(res, JSON.stringify(last(ck))).toBeDefined();
    made.push(res.id);
    expect(ck.lines.some((l) => l.event === 'progress' && l.phase === 'dump')).toBe(true);
    expect(last(ck).v).toMatch(/^\d+\.\d+\.\d+$/);
    expect(res.container.name).toBe(NAME);
    expect(res.sizes.pages).toBeGreaterThan(0);
    // Browsing needs no pages: the non-page images sit beside the archive.
    const imgs = readdirSync(path.join(STORE, 'checkpoints', res.id, 'images', 'checkpoint'));
    expect(imgs).toContain('inventory.img');
    expect(imgs.some((f) => f.startsWith('pages-'))).toBe(false);
    expect(podman('inspect', '--format', '{{.State.Status}}', NAME)).toBe('exited');
    const atDump = Number(execFileSync('tar', ['-xOf', path.join(STORE, 'checkpoints', res.id, 'archive.tar'), 'rootfs-diff.tar'], { maxBuffer: 1 << 26 }).length > 0);
    expect(atDump).toBe(1);

    const rs = helper('restore', res.id);
    expect(last(rs).error, JSON.stringify(last(rs))).toBeUndefined();
    await sleep(500);
    const a = counter(NAME);
    await sleep(600);
    expect(counter(NAME)).toBeGreaterThan(a);

    // A second copy under a new name, while the first runs; the lineage follows it.
    const copy = helper('restore', res.id, `--name=${NAME}-copy`);
    expect(last(copy).result).toMatchObject({ container: { runtime: 'podman', name: `${NAME}-copy` } });
    const ck2 = last(helper('checkpoint', 'podman', `${NAME}-copy`, '--leave-running')).result as { id: string; lineage: string; parent: string };
    made.push(ck2.id);
    expect(ck2.lineage).toBe(res.lineage);
    expect(ck2.parent).toBe(res.id);
    expect(podman('inspect', '--format', '{{.State.Status}}', `${NAME}-copy`)).toBe('running');
  });

  it('refuses to restore over a running container and keeps one operation per container', () => {
    const id = made[0]!;
    expect(last(helper('restore', id)).error?.code).toBe('busy');
  });

  it('keeps the last N checkpoints of a container', () => {
    const before = ids();
    const a = last(helper('checkpoint', 'podman', NAME, '--leave-running', '--keep-last=1')).result as { id: string };
    made.push(a.id);
    const b = last(helper('checkpoint', 'podman', NAME, '--leave-running', '--keep-last=1')).result as { id: string };
    made.push(b.id);
    const after = ids();
    expect(after).toContain(b.id);
    expect(after).not.toContain(a.id);
    // Only this container's older checkpoints went; other containers' stayed.
    for (const id of before) if (id !== made[0]) expect(after).toContain(id);
  });

  it('leaves the container restorable and no half entry when killed mid-checkpoint', async () => {
    const name = `${NAME}-kill`;
    startCounter(name);
    await sleep(500);
    const before = ids();
    const child = spawn('/bin/sh', [HELPER, 'checkpoint', 'podman', name], { stdio: ['ignore', 'pipe', 'ignore'] });
    // Kill the helper (only it, not the runtime) as soon as the dump has started.
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('"phase":"dump"')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    // While the orphaned runtime may still be finishing, nothing half-made is listed.
    expect(ids()).toEqual(before);
    const work = readdirSync(path.join(STORE, 'tmp')).filter((d) => d.startsWith('ck-'));
    const owner = work.length ? readFileSync(path.join(STORE, 'tmp', work[0]!, 'owner'), 'utf8').trim().split(' ') : [];
    for (let i = 0; i < 120 && owner[1] && existsSync(`/proc/${owner[1]}`); i++) await sleep(250);
    const after = ids();
    const state = podman('inspect', '--format', '{{.State.Status}}', name);
    if (state === 'running') {
      // The dump never took the container down: nothing to adopt.
      expect(after.length).toBeGreaterThanOrEqual(before.length);
    } else {
      // The dump finished after the helper died: its complete archive was adopted, and restores.
      const adopted = after.filter((x) => !before.includes(x));
      expect(adopted).toHaveLength(1);
      made.push(adopted[0]!);
      const rs = helper('restore', adopted[0]!);
      expect(last(rs).error, JSON.stringify(last(rs))).toBeUndefined();
      const a = counter(name);
      await sleep(600);
      expect(counter(name)).toBeGreaterThan(a);
    }
    expect(readdirSync(path.join(STORE, 'tmp')).filter((d) => d.startsWith('ck-'))).toEqual([]);
  });
});
