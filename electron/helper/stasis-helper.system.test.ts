import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { until as waitFor } from '../../test-support/poll';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deleteStoredCheckpoints } from '../../test-support/cleanup';
import { describeSystem } from '../../test-support/system';

// The helper driven directly, as root, exactly as the app runs it on this computer. STASIS_HELPER_UNDER_TEST runs
// the same tests against another copy (e.g. an older one, to show a test fails there).
const HELPER = process.env['STASIS_HELPER_UNDER_TEST'] ?? path.resolve('electron/helper/stasis-helper.sh');
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

function parse(stdout: string): Line[] {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
}
function helper(...args: string[]): { lines: Line[]; status: number | null; stderr: string } {
  const r = spawnSync('/bin/sh', [HELPER, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { lines: parse(r.stdout), status: r.status, stderr: r.stderr };
}
const last = (r: { lines: Line[] }) => r.lines[r.lines.length - 1]!;
const podman = (...args: string[]) => execFileSync('podman', args, { encoding: 'utf8', timeout: 60_000 }).trim();
const counter = (name: string) => Number(podman('exec', name, 'cat', '/tmp/count'));
const state = (name: string) => podman('inspect', '--format', '{{.State.Status}}', name);
const stored = (): { id: string; container: { name: string } }[] =>
  (helper('list').lines[0]?.result as unknown as { id: string; container: { name: string } }[]) ?? [];
const idsOf = (name: string): string[] => stored().filter((m) => m.container.name === name).map((m) => m.id);

/** Polls until `cond` holds (state, never a fixed sleep); fails with `what` after `ms`. */
// A throwing probe (container starting, file not written) counts as "not yet".
const until = async (cond: () => boolean, what: string, ms = 60_000): Promise<void> => {
  await waitFor(what, cond, Boolean, { timeoutMs: ms });
};

/** The counter goes on: it moves past the value it has now. */
async function counterRuns(name: string): Promise<void> {
  let a = NaN;
  await until(() => Number.isFinite((a = counter(name))), `${name}'s counter`);
  await until(() => counter(name) > a, `${name}'s counter to move past ${a}`);
}

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
    // (only this test's container: other tests may store checkpoints meanwhile)
    const before = idsOf(NAME);
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
    expect(idsOf(NAME)).toEqual(before);
    // The container was never touched.
    expect(state(NAME)).toBe('running');
  });

  it('checkpoints and restores a podman container whose counter continues', async () => {
    await counterRuns(NAME);
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
    expect(state(NAME)).toBe('exited');
    // The container's file system changes (its /tmp/count) went into the archive.
    const rootfsDiff = execFileSync('tar', ['-xOf', path.join(STORE, 'checkpoints', res.id, 'archive.tar'), 'rootfs-diff.tar'], { maxBuffer: 1 << 26 });
    expect(execFileSync('tar', ['-t'], { input: rootfsDiff, encoding: 'utf8' })).toMatch(/tmp\/count/);

    const rs = helper('restore', res.id);
    expect(last(rs).error, JSON.stringify(last(rs))).toBeUndefined();
    await counterRuns(NAME);

    // A second copy under a new name, while the first runs; the lineage follows it.
    const copy = helper('restore', res.id, `--name=${NAME}-copy`);
    expect(last(copy).result).toMatchObject({ container: { runtime: 'podman', name: `${NAME}-copy` } });
    const ck2 = last(helper('checkpoint', 'podman', `${NAME}-copy`, '--leave-running')).result as { id: string; lineage: string; parent: string };
    made.push(ck2.id);
    expect(ck2.lineage).toBe(res.lineage);
    expect(ck2.parent).toBe(res.id);
    expect(state(`${NAME}-copy`)).toBe('running');
  });

  it('refuses to restore over a running container', () => {
    const r = helper('restore', made[0]!);
    expect(last(r).error?.code).toBe('busy');
    expect(last(r).error?.message).toMatch(/still running/);
  });

  it('runs one operation per container: a second one while the first holds the container is refused as busy', async () => {
    // The first checkpoint is held (SIGSTOP) right after it has taken the container, so the two truly overlap.
    const first = spawn('/bin/sh', [HELPER, 'checkpoint', 'podman', NAME, '--leave-running'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    first.stdout.on('data', (d: Buffer) => {
      if (!out.includes('"phase":"dump"') && (out + d.toString()).includes('"phase":"dump"')) first.kill('SIGSTOP');
      out += d.toString();
    });
    const done = new Promise<number | null>((resolve) => first.on('close', resolve));
    await until(() => out.includes('"phase":"dump"'), `the first checkpoint to start dumping (it said ${out.slice(0, 300)})`, 30_000);
    try {
      const second = helper('checkpoint', 'podman', NAME, '--leave-running');
      expect(last(second).error?.code, JSON.stringify(last(second))).toBe('busy');
    } finally {
      first.kill('SIGCONT');
    }
    expect(await done).toBe(0);
    const res = parse(out).pop()?.result as { id: string };
    made.push(res.id);
    expect(state(NAME)).toBe('running');
  });

  it('leaves the container restorable and no half entry when killed mid-checkpoint', async () => {
    const name = `${NAME}-kill`;
    startCounter(name);
    await counterRuns(name);
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
    expect(idsOf(name)).toEqual([]);
    // This container's work dir (other tests may be checkpointing other containers meanwhile).
    const ours = (d: string) => d.startsWith('ck-') && readFileSync(path.join(STORE, 'tmp', d, 'ident'), 'utf8').split(' ')[2] === name;
    const work = readdirSync(path.join(STORE, 'tmp')).filter(ours);
    expect(work).toHaveLength(1);
    const owners = work.map((w) => readFileSync(path.join(STORE, 'tmp', w, 'owner'), 'utf8').trim().split(' ')[1]).filter(Boolean);
    await until(() => owners.every((p) => !existsSync(`/proc/${p}`)), 'the orphaned podman checkpoint to end');
    const adopted = idsOf(name);
    if (state(name) === 'running') {
      // The dump never took the container down: nothing to adopt.
      expect(adopted).toEqual([]);
    } else {
      // The dump finished after the helper died: its complete archive was adopted, and restores.
      expect(adopted).toHaveLength(1);
      made.push(adopted[0]!);
      const rs = helper('restore', adopted[0]!);
      expect(last(rs).error, JSON.stringify(last(rs))).toBeUndefined();
      await counterRuns(name);
    }
    expect(readdirSync(path.join(STORE, 'tmp')).filter((d) => work.includes(d))).toEqual([]);
  });
});
