import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { until as waitFor } from '../../test-support/poll';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteStoredCheckpoints } from '../../test-support/cleanup';
import { SSH_HOSTS_DIR, describeSystem } from '../../test-support/system';
import { INSTALLED_HELPER } from '../services/helper-source';

// Issue #8 §2: what a user who may run only the helper (sudoers "Set up this host") can and cannot do with it.
// A non-root caller is simulated exactly as sudo presents it to the helper (root, with SUDO_UID/SUDO_USER set);
// one test goes through real sudo as the operator user. STASIS_HELPER_UNDER_TEST runs these against another copy
// of the helper (e.g. `git show <old>:electron/helper/stasis-helper.sh`), which is how they were seen to fail.
const HELPER = process.env['STASIS_HELPER_UNDER_TEST'] ?? path.resolve('electron/helper/stasis-helper.sh');
const STORE = `/var/lib/stasis/hosts/${execFileSync('hostname', { encoding: 'utf8' }).trim()}`;
const TAG = `stasis-test-sec-${process.pid}`;
const OP_USER = 'stasisop';
const OP_UID = Number(execFileSync('id', ['-u', OP_USER], { encoding: 'utf8' }).trim());
const SSH = ['-F', path.join(SSH_HOSTS_DIR, 'ssh_config'), '-o', 'BatchMode=yes'];

interface Line {
  event?: string;
  result?: unknown;
  error?: { code: string; message: string };
}
interface Run {
  lines: Line[];
  status: number | null;
  stdout: string;
}
interface Meta {
  id: string;
  uid?: number;
  container: { runtime: string; id: string; name: string };
}

function parse(stdout: string): Line[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
}
/** The helper as root run directly, or as sudo runs it for `asUid` (SUDO_UID is all it sees of the caller). */
function helper(args: string[], opts: { asUid?: number; input?: Buffer; env?: Record<string, string> } = {}): Run {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...(opts.env ?? {}) };
  if (opts.asUid !== undefined) Object.assign(env, { SUDO_UID: String(opts.asUid), SUDO_GID: String(opts.asUid), SUDO_USER: OP_USER, SUDO_COMMAND: INSTALLED_HELPER });
  const r = spawnSync('/bin/sh', [HELPER, ...args], { env, encoding: 'buffer', timeout: 120_000, maxBuffer: 1 << 28, ...(opts.input ? { input: opts.input } : {}) });
  const stdout = r.stdout.toString('latin1');
  return { lines: parse(stdout), status: r.status, stdout };
}
const last = (r: Run) => r.lines[r.lines.length - 1] ?? {};
const listed = (asUid?: number): Meta[] => (last(helper(['list'], asUid === undefined ? {} : { asUid })).result as Meta[]) ?? [];
const opsFiles = () => readdirSync(path.join(STORE, 'ops'));
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

const until = async (cond: () => boolean, what: string, ms = 30_000): Promise<void> => {
  await waitFor(what, cond, Boolean, { timeoutMs: ms });
};

/** A process tree of its own session (as CRIU wants), optionally started as another user. */
function startTree(command: string, user?: string): ChildProcess {
  const argv = user ? ['setpriv', `--reuid=${user}`, `--regid=${user}`, '--init-groups', 'sh', '-c', command] : ['sh', '-c', command];
  const p = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: 'ignore' });
  p.unref();
  return p;
}

describeSystem('stasis-helper: what a helper-only user can reach', ['root', 'criu', 'podman'], () => {
  const trees: ChildProcess[] = [];
  const dir = mkdtempSync('/tmp/stasis-test-sec-');
  const target = path.join(dir, 'outside.txt'); // a file outside the store that no archive may read or change
  const SECRET = `SECRET-${process.pid}`;
  let rootCk = '';
  let opCk = '';
  const ctr = `${TAG}-ctr`;

  beforeAll(() => {
    writeFileSync(target, `${SECRET}\n`);
    execFileSync('podman', ['run', '-d', '--name', ctr, '--network', 'none', 'localhost/stasis-busybox:latest', 'sleep', '100000']);
  });
  afterAll(() => {
    for (const t of trees) {
      try {
        process.kill(-t.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    for (const n of [ctr, `${ctr}-port`]) spawnSync('podman', ['rm', '-f', '-t', '0', n]);
    deleteStoredCheckpoints((c) => c.container.name.startsWith(TAG) || c.container.name === 'sleep', ['/bin/sh', HELPER]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('has no verbs that nothing calls (info, retain, the meta alias)', () => {
    for (const argv of [['info'], ['retain', 'podman', 'abc', '1'], ['meta', 'ck-20260101000000-00000000']]) {
      const r = helper(argv);
      expect(last(r).error, argv[0]).toMatchObject({ code: 'bad-request', message: 'Unknown helper verb.' });
    }
  });

  it('ignores TAR_OPTIONS, GZIP and ZSTD_* in the caller’s environment', async () => {
    const canary = path.join(dir, 'tar-ran-a-command');
    const tree = startTree('exec sleep 100000');
    trees.push(tree);
    await until(() => alive(tree.pid!), 'the tree');
    const r = helper(['checkpoint', 'process', String(tree.pid), '--leave-running'], {
      env: { TAR_OPTIONS: `--checkpoint=1 --checkpoint-action=exec=touch\\ ${canary}`, GZIP: '-9 --rsyncable', ZSTD_CLEVEL: '19', ZSTD_NBTHREADS: '64' },
    });
    const res = last(r).result as Meta | undefined;
    expect(res?.id, JSON.stringify(last(r))).toMatch(/^ck-/);
    rootCk = res!.id;
    expect(existsSync(canary)).toBe(false);
    expect(res!.uid).toBe(0);
  });

  it('lets a non-root caller checkpoint only process trees that are wholly theirs', async () => {
    // root's own process
    const rootTree = startTree('exec sleep 100000');
    // the caller's process with a root child under it: the tree is not wholly theirs
    const mixed = startTree(`sleep 100000 & exec setpriv --reuid=${OP_UID} --regid=${OP_UID} --init-groups sleep 100000`);
    // the caller's own tree
    const own = startTree('sleep 100000 & exec sleep 100000', OP_USER);
    trees.push(rootTree, mixed, own);
    await until(() => [rootTree, mixed, own].every((t) => alive(t.pid!)), 'the trees');
    await until(() => readFileSync(`/proc/${mixed.pid}/status`, 'utf8').includes(`Uid:\t${OP_UID}\t`), 'the mixed tree to drop to the caller');
    const before = listed().length;
    for (const t of [rootTree, mixed]) {
      const r = helper(['checkpoint', 'process', String(t.pid)], { asUid: OP_UID });
      expect(last(r).error?.code, JSON.stringify(last(r))).toBe('permission-denied');
      // Without --leave-running a dump would have ended it.
      expect(alive(t.pid!)).toBe(true);
    }
    expect(listed().length).toBe(before);
    // Their own tree passes the check (CRIU may still fail on this machine for other reasons; never for this one).
    const r = helper(['checkpoint', 'process', String(own.pid), '--leave-running'], { asUid: OP_UID });
    expect(last(r).error?.code).not.toBe('permission-denied');
    const made = last(r).result as Meta | undefined;
    if (made) helper(['delete', made.id]);
  });

  it('keeps each caller to their own checkpoints; root sees all', () => {
    // A container checkpoint the caller takes (podman decides who may touch containers) is theirs.
    const r = helper(['checkpoint', 'podman', ctr, '--leave-running'], { asUid: OP_UID });
    const res = last(r).result as Meta | undefined;
    expect(res?.id, JSON.stringify(last(r))).toMatch(/^ck-/);
    opCk = res!.id;
    expect(res!.uid).toBe(OP_UID);

    const mine = listed(OP_UID).map((m) => m.id);
    expect(mine).toContain(opCk);
    expect(mine).not.toContain(rootCk);
    expect(listed(OP_UID + 1).map((m) => m.id)).not.toContain(opCk);
    // pkexec says whom it runs for in PKEXEC_UID: the same rule.
    const viaPkexec = (last(helper(['list'], { env: { PKEXEC_UID: String(OP_UID) } })).result as Meta[]).map((m) => m.id);
    expect(viaPkexec).toContain(opCk);
    expect(viaPkexec).not.toContain(rootCk);
    const all = listed().map((m) => m.id);
    expect(all).toEqual(expect.arrayContaining([rootCk, opCk]));

    for (const verb of ['inspect', 'images', 'send', 'restore', 'delete']) {
      const other = helper([verb, rootCk], { asUid: OP_UID });
      expect(last(other).error?.code, `${verb}: ${other.stdout.slice(0, 200)}`).toBe('not-found');
      expect(other.stdout).not.toContain('inventory');
    }
    expect(listed().map((m) => m.id)).toContain(rootCk);
    expect(last(helper(['inspect', opCk], { asUid: OP_UID })).result).toBeDefined();
  });

  it('refuses host ports below 1024 to a non-root caller', () => {
    for (const p of ['80:80', '127.0.0.1:443:443/tcp', '1000-1100:80', '0080:80']) {
      const r = helper(['restore', opCk, `--name=${ctr}-port`, `--publish=${p}`], { asUid: OP_UID });
      expect(last(r).error?.code, `${p}: ${JSON.stringify(last(r))}`).toBe('permission-denied');
    }
    expect(spawnSync('podman', ['container', 'exists', `${ctr}-port`]).status).not.toBe(0);
  });

  it('refuses leading zeros and never leaves an operation record behind', () => {
    const op = `op-${TAG}-zeros`.slice(0, 64);
    const before = listed().length;
    const r = helper(['checkpoint', 'podman', ctr, '--leave-running', '--keep-last=0099', `--op=${op}`]);
    expect(r.lines).toHaveLength(1);
    expect(last(r).error?.code).toBe('bad-request');
    expect(opsFiles()).not.toContain(`${op}.pid`);
    expect(listed().length).toBe(before);
  });

  it('cancels only a live helper operation: a recycled pid is never signalled and the stale record goes', async () => {
    const bystander = startTree('exec sleep 100000');
    trees.push(bystander);
    let signalled = false;
    bystander.on('exit', () => (signalled = true));
    await until(() => alive(bystander.pid!), 'the bystander');
    // The record of a helper that died, whose pid now belongs to another process (start time differs).
    const op = 'op-stale-0123456789abcdef';
    writeFileSync(path.join(STORE, 'ops', `${op}.pid`), `${bystander.pid} 1 0\n`);
    const r = helper(['cancel', op]);
    expect(last(r).error?.code).toBe('not-found');
    // One more helper round trip: a SIGTERM sent by cancel would have ended the sleep (and told us) by then.
    helper(['version']);
    await new Promise((res) => setImmediate(res));
    expect(signalled).toBe(false);
    expect(alive(bystander.pid!)).toBe(true);
    expect(opsFiles()).not.toContain(`${op}.pid`);
  });

  it('cancels a live operation for its own caller only, and the record goes with it', async () => {
    const op = `op-${process.pid}-live-cancel`;
    const first = spawn('/bin/sh', [HELPER, 'checkpoint', 'podman', ctr, '--leave-running', `--op=${op}`], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    first.stdout.on('data', (d: Buffer) => {
      if (!out.includes('"phase":"dump"') && (out + d.toString()).includes('"phase":"dump"')) first.kill('SIGSTOP');
      out += d.toString();
    });
    const done = new Promise<void>((resolve) => first.on('close', () => resolve()));
    await until(() => out.includes('"phase":"dump"'), 'the checkpoint to start dumping');
    try {
      const record = readFileSync(path.join(STORE, 'ops', `${op}.pid`), 'utf8').trim().split(' ');
      expect(record).toEqual([String(first.pid), expect.stringMatching(/^[1-9][0-9]*$/), '0']);
      expect(last(helper(['cancel', op], { asUid: OP_UID })).error?.code).toBe('not-found');
      expect(last(helper(['cancel', op])).result).toEqual({ cancelled: true });
    } finally {
      first.kill('SIGCONT');
    }
    await done;
    expect(last({ lines: parse(out), status: 0, stdout: out }).error?.code).toBe('cancelled');
    expect(opsFiles()).not.toContain(`${op}.pid`);
    expect(spawnSync('podman', ['inspect', '--format', '{{.State.Status}}', ctr], { encoding: 'utf8' }).stdout.trim()).toBe('running');
  });

  it('round-trips an honest checkpoint through send | receive, which then belongs to the receiver', () => {
    const sent = spawnSync('/bin/sh', [HELPER, 'send', rootCk], { maxBuffer: 1 << 28, timeout: 120_000 });
    expect(sent.status).toBe(0);
    const archive = readFileSync(path.join(STORE, 'checkpoints', rootCk, 'archive.tar'));
    expect(last(helper(['delete', rootCk])).result).toBeDefined();
    // Received for the non-root caller: theirs, and (a process tree from elsewhere) not theirs to restore as root.
    const r = helper(['receive', rootCk], { asUid: OP_UID, input: sent.stdout });
    const res = last(r).result as Meta & { archive: string } | undefined;
    expect(res?.id, JSON.stringify(last(r))).toBe(rootCk);
    expect(res!.uid).toBe(OP_UID);
    expect(readFileSync(path.join(STORE, 'checkpoints', rootCk, 'archive.tar')).equals(archive)).toBe(true);
    expect(listed(OP_UID).map((m) => m.id)).toContain(rootCk);
    expect(last(helper(['images', rootCk], { asUid: OP_UID })).result).toBeDefined();
    const rs = helper(['restore', rootCk], { asUid: OP_UID });
    expect(last(rs).error?.code, JSON.stringify(last(rs))).toBe('permission-denied');
  });

  describeMalicious();

  function describeMalicious(): void {
    /** Writes checkpoints/<id>/ as an attacker would send it, with `tweak` applied, and tars it. */
    function craft(id: string, tweak: (d: string) => void): Buffer {
      const root = path.join(dir, `craft-${id}`);
      const d = path.join(root, id);
      mkdirSync(path.join(d, 'img'), { recursive: true });
      writeFileSync(path.join(d, 'img', 'inventory.img'), 'x');
      execFileSync('tar', ['-cf', path.join(d, 'archive.tar'), '-C', path.join(d, 'img'), 'inventory.img']);
      rmSync(path.join(d, 'img'), { recursive: true });
      writeFileSync(path.join(d, 'ident'), `process 4242 sleep -\n`);
      writeFileSync(path.join(d, 'created'), '2026-01-01T00:00:00Z\n');
      writeFileSync(path.join(d, 'kind'), 'checkpoint');
      writeFileSync(path.join(d, 'options'), '"--leave-running"');
      writeFileSync(path.join(d, 'meta.json'), '{}\n');
      tweak(d);
      return execFileSync('tar', ['-cf', '-', '-C', root, ...readdirSync(root)], { maxBuffer: 1 << 26 });
    }
    let n = 0;
    const nextId = () => `ck-20260101000000-${(0xa0000000 + process.pid * 16 + n++).toString(16).slice(-8)}`;
    const kinds: [string, (d: string) => void][] = [
      ['meta.json is a symlink', (d) => (rmSync(path.join(d, 'meta.json')), symlinkSync(target, path.join(d, 'meta.json')))],
      ['archive.tar is a symlink', (d) => (rmSync(path.join(d, 'archive.tar')), symlinkSync(target, path.join(d, 'archive.tar')))],
      ['images is a symlink', (d) => symlinkSync(dir, path.join(d, 'images'))],
      ['ident is a symlink', (d) => (rmSync(path.join(d, 'ident')), symlinkSync(target, path.join(d, 'ident')))],
      ['a hard link', (d) => linkSync(path.join(d, 'kind'), path.join(d, 'note'))],
      ['a device node', (d) => execFileSync('mknod', [path.join(d, 'note'), 'c', '1', '3'])],
      ['a fifo', (d) => execFileSync('mkfifo', [path.join(d, 'note')])],
      ['a symlink inside the archive', (d) => {
        const inner = path.join(dir, `inner-${path.basename(d)}`);
        mkdirSync(inner);
        symlinkSync(target, path.join(inner, 'inventory.img'));
        execFileSync('tar', ['-cf', path.join(d, 'archive.tar'), '-C', inner, 'inventory.img']);
      }],
      ['a container id that is a path', (d) => writeFileSync(path.join(d, 'ident'), 'podman ../../../tmp/x name img\n')],
      ['a lineage that is not an id', (d) => writeFileSync(path.join(d, 'lineage'), '../x\n')],
      ['an option the helper never writes', (d) => writeFileSync(path.join(d, 'options'), '"--leave-running"],"uid":0,"x":["')],
      ['an oversized note', (d) => writeFileSync(path.join(d, 'note'), 'n'.repeat(5000))],
      ['a file a checkpoint never has', (d) => writeFileSync(path.join(d, 'evil.sh'), '#!/bin/sh\n')],
      ['a second top-level entry', (d) => mkdirSync(path.join(path.dirname(d), 'ck-other-entry'))],
    ];
    for (const [what, tweak] of kinds) {
      it(`receive refuses a checkpoint with ${what}, and reads or writes nothing outside the store`, () => {
        const id = nextId();
        const r = helper(['receive', id], { asUid: OP_UID, input: craft(id, tweak) });
        expect(last(r).error?.code, JSON.stringify(r.lines)).toBe('corrupt-image');
        expect(r.stdout).not.toContain(SECRET);
        for (const verb of ['inspect', 'images', 'send', 'delete']) {
          const after = helper([verb, id], { asUid: OP_UID });
          expect(after.stdout, verb).not.toContain(SECRET);
          expect(last(after).error?.code, verb).toBe('not-found');
        }
        expect(listed().map((m) => m.id)).not.toContain(id);
        expect(existsSync(path.join(STORE, 'checkpoints', id))).toBe(false);
        expect(readdirSync(path.join(STORE, 'tmp')).filter((t) => t.includes(id))).toEqual([]);
        expect(readFileSync(target, 'utf8')).toBe(`${SECRET}\n`);
      });
    }
  }

  // The destination half of a migration stores whatever arrives: the sender's archive is hostile like a received one.
  describe('migrate-in refuses a hostile archive and stores nothing', () => {
    /** A CRIU-looking archive (checkpoint/inventory.img) with `tweak` applied to its tree before it is tarred. */
    function archive(name: string, tweak: (d: string) => void, tarArgs: string[] = []): Buffer {
      const d = path.join(dir, `mig-${name.replace(/\W+/g, '-')}`);
      mkdirSync(path.join(d, 'checkpoint'), { recursive: true });
      writeFileSync(path.join(d, 'checkpoint', 'inventory.img'), 'x');
      writeFileSync(path.join(d, 'config.dump'), '{}');
      tweak(d);
      // Member names as podman writes them (checkpoint/inventory.img, no leading ./): only the tweak may be wrong.
      return execFileSync('tar', ['-cf', '-', ...tarArgs, '-C', d, ...readdirSync(d)], { maxBuffer: 1 << 26 });
    }
    let n = 0;
    const cases: [string, () => Buffer][] = [
      ['nothing wrong (the control: it is stored)', () => archive('honest', () => undefined)],
      ['a symlink to a file outside the store', () => archive('symlink', (d) => symlinkSync(target, path.join(d, 'checkpoint', 'fs-1.img')))],
      ['a hard link', () => archive('hardlink', (d) => linkSync(path.join(d, 'config.dump'), path.join(d, 'spec.dump')))],
      ['a device node', () => archive('device', (d) => execFileSync('mknod', [path.join(d, 'checkpoint', 'core-1.img'), 'c', '1', '3']))],
      ['a fifo', () => archive('fifo', (d) => execFileSync('mkfifo', [path.join(d, 'checkpoint', 'core-1.img')]))],
      ['a member that climbs out with ..', () => archive('dotdot', () => undefined, ['--transform', `s|^config.dump$|../../../../../../..${target}|`])],
      ['no CRIU inventory', () => archive('noinv', (d) => rmSync(path.join(d, 'checkpoint', 'inventory.img')))],
      ['a cut (truncated) stream', () => archive('cut', (d) => writeFileSync(path.join(d, 'checkpoint', 'pages-1.img'), Buffer.alloc(1 << 20, 7))).subarray(0, 600_000)],
      ['no tar at all', () => Buffer.from('not a tar stream\n'.repeat(1000))],
    ];
    for (const [what, make] of cases) {
      it(`with ${what}`, () => {
        const honest = what.startsWith('nothing wrong');
        const ck = `ck-20260101000000-${(0xb0000000 + process.pid * 16 + n++).toString(16).slice(-8)}`;
        const r = helper(['migrate-in', `mg-test-${process.pid}-${n}`, ck, 'podman', 'a'.repeat(64), `${TAG}-mig`, 'localhost/stasis-busybox:latest', ck, 'none'], { asUid: OP_UID, input: make() });
        if (honest) {
          expect((last(r).result as { meta?: { id: string } } | undefined)?.meta?.id, JSON.stringify(r.lines)).toBe(ck);
          expect(last(helper(['delete', ck], { asUid: OP_UID })).error).toBeUndefined();
          return;
        }
        expect(last(r).error?.code, JSON.stringify(r.lines)).toBe('corrupt-image');
        expect(r.stdout).not.toContain(SECRET);
        expect(existsSync(path.join(STORE, 'checkpoints', ck))).toBe(false);
        expect(readdirSync(path.join(STORE, 'tmp')).filter((t) => t.includes(ck))).toEqual([]);
        expect(readFileSync(target, 'utf8')).toBe(`${SECRET}\n`);
      });
    }
  });

  it('through real sudo as the operator user: root’s checkpoints and processes are out of reach', () => {
    const sudo = (...args: string[]) => {
      const r = spawnSync('sudo', ['-u', OP_USER, 'sudo', '-n', INSTALLED_HELPER, ...args], { encoding: 'utf8', timeout: 60_000 });
      return { lines: parse(r.stdout), status: r.status, stdout: r.stdout };
    };
    const ids = ((last(sudo('list')).result as Meta[]) ?? []).map((m) => m.id);
    expect(ids).toContain(opCk);
    for (const m of listed()) if (m.uid !== OP_UID) expect(ids).not.toContain(m.id);
    expect(last(sudo('checkpoint', 'process', String(trees[0]!.pid), '--leave-running')).error?.code).toBe('permission-denied');
  });
});

describeSystem('stasis-helper: send on one SSH host, receive on another', ['root', 'ssh-hosts'], () => {
  const ssh = (host: string, cmd: string[], input?: Buffer) =>
    spawnSync('ssh', [...SSH, host, ...cmd], { maxBuffer: 1 << 28, timeout: 120_000, ...(input ? { input } : {}) });
  let pid = 0;
  let id = '';
  afterAll(() => {
    if (id) {
      ssh('stasis-a', [INSTALLED_HELPER, 'delete', id]);
      ssh('stasis-b', [INSTALLED_HELPER, 'delete', id]);
    }
    if (pid) spawnSync('kill', ['-9', String(pid)]);
  });

  it('stasis-a send | stasis-b receive: the same archive, listed and browsable on stasis-b', () => {
    pid = Number(ssh('stasis-a', ['setsid sleep 100000 </dev/null >/dev/null 2>&1 & echo $!']).stdout.toString().trim());
    expect(pid).toBeGreaterThan(1);
    const ck = parse(ssh('stasis-a', [INSTALLED_HELPER, 'checkpoint', 'process', String(pid), '--leave-running']).stdout.toString());
    const made = ck[ck.length - 1]?.result as Meta | undefined;
    expect(made?.id, JSON.stringify(ck[ck.length - 1])).toMatch(/^ck-/);
    id = made!.id;
    const sent = ssh('stasis-a', [INSTALLED_HELPER, 'send', id]);
    expect(sent.status).toBe(0);
    const got = parse(ssh('stasis-b', [INSTALLED_HELPER, 'receive', id], sent.stdout).stdout.toString());
    expect(got[got.length - 1]?.result, JSON.stringify(got[got.length - 1])).toMatchObject({ id, container: { runtime: 'process', name: 'sleep' }, uid: 0 });
    const sum = (host: string) => ssh(host, ['sha256sum', `/var/lib/stasis/hosts/${host}/checkpoints/${id}/archive.tar`]).stdout.toString().split(' ')[0];
    expect(sum('stasis-b')).toBe(sum('stasis-a'));
    const images = parse(ssh('stasis-b', [INSTALLED_HELPER, 'images', id]).stdout.toString());
    expect((images[0]?.result as { tar?: string } | undefined)?.tar?.length).toBeGreaterThan(0);
  });
});
