import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deleteStoredCheckpoints, removePodmanContainers } from '../../test-support/cleanup';
import { HELPER_CONF, TEST_OPERATOR } from '../../test-support/install-helper';
import { describeSystem } from '../../test-support/system';

// A user allowed only the helper could `receive` a crafted container checkpoint (podman's spec.dump asking for
// the host's / as a bind mount) and `restore` it: podman, run as root, then made that container. A received
// container checkpoint is restored for a caller who is not root only when /etc/stasis/helper.conf (root's)
// allows it for them. The test hosts' global setup (test-support/install-helper.ts) allows the operator user
// stasisop, whom the migration tests use; the refusals here are for `nobody`, whom that file never names, and
// the file's own rules are tried on a copy of the helper that reads a private file instead (the one constant
// changed), so that nothing here races with other tests reading the real one.
// STASIS_HELPER_UNDER_TEST runs these against another copy of the helper, which is how they were seen to fail.
const HELPER = process.env['STASIS_HELPER_UNDER_TEST'] ?? path.resolve('electron/helper/stasis-helper.sh');
const TAG = `stasis-test-rr-${process.pid}`;
const NOBODY = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
const OP_UID = Number(execFileSync('id', ['-u', TEST_OPERATOR], { encoding: 'utf8' }).trim());

interface Line {
  result?: Record<string, unknown>;
  error?: { code: string; message: string; detail: string };
}
type Restored = { container: { id: string; name: string } };

/** The helper as root run directly, or as sudo runs it for `as` (SUDO_UID is all it sees of the caller). */
function helper(args: string[], opts: { as?: { uid: number; user: string }; input?: Buffer; file?: string } = {}): Line {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
  if (opts.as) Object.assign(env, { SUDO_UID: String(opts.as.uid), SUDO_GID: String(opts.as.uid), SUDO_USER: opts.as.user });
  const r = spawnSync('/bin/sh', [opts.file ?? HELPER, ...args], { env, encoding: 'buffer', timeout: 120_000, maxBuffer: 1 << 28, ...(opts.input ? { input: opts.input } : {}) });
  const lines = r.stdout.toString('utf8').split('\n').filter((l) => l.startsWith('{'));
  return JSON.parse(lines[lines.length - 1] ?? '{}') as Line;
}
const nobody = { uid: NOBODY, user: 'nobody' };
const operator = { uid: OP_UID, user: TEST_OPERATOR };
const exists = (name: string) => spawnSync('podman', ['container', 'exists', name]).status === 0;
const state = (name: string) => execFileSync('podman', ['inspect', '--format', '{{.State.Status}}', name], { encoding: 'utf8' }).trim();
const hostMountOf = (name: string) =>
  execFileSync('podman', ['inspect', '--format', '{{range .Mounts}}{{if eq .Destination "/host"}}{{.Source}}{{end}}{{end}}', name], { encoding: 'utf8' }).trim();

describeSystem('stasis-helper: restoring checkpoints received from another host', ['root', 'criu', 'podman'], () => {
  const dir = mkdtempSync('/tmp/stasis-test-rr-');
  const shared = path.join(dir, 'shared'); // the honest container's /host
  const src = `${TAG}-src`;
  const made: string[] = []; // checkpoint ids this file stores
  let sent = ''; // `send`'s stream of the source checkpoint, unpacked
  let sentId = '';
  let n = 0;
  const tree: { p?: ChildProcess } = {};

  /** A `send` stream of the source checkpoint under a new id; `craft` makes its container bind-mount the host's /. */
  function stream(craft: boolean): { id: string; tar: Buffer } {
    const id = `${sentId.slice(0, -8)}${String(9000 + ++n).padStart(8, 'a')}`;
    const work = path.join(dir, id);
    cpSync(path.join(sent, sentId), path.join(work, id), { recursive: true });
    if (craft) {
      const arch = path.join(work, 'arch');
      mkdirSync(arch);
      execFileSync('tar', ['-xf', path.join(work, id, 'archive.tar'), '-C', arch]);
      const spec = JSON.parse(readFileSync(path.join(arch, 'spec.dump'), 'utf8')) as { mounts: { destination: string; source: string }[] };
      const m = spec.mounts.find((x) => x.destination === '/host');
      expect(m?.source).toBe(shared);
      m!.source = '/';
      writeFileSync(path.join(arch, 'spec.dump'), JSON.stringify(spec));
      execFileSync('tar', ['-cf', path.join(work, id, 'archive.tar'), '-C', arch, '.']);
    }
    const tar = execFileSync('tar', ['-cf', '-', '-C', work, id], { maxBuffer: 1 << 28 });
    return { id, tar };
  }
  function receive(craft: boolean, as?: { uid: number; user: string }): string {
    const s = stream(craft);
    const r = helper(['receive', s.id], { input: s.tar, ...(as ? { as } : {}) });
    expect(r.result?.['id'], JSON.stringify(r)).toBe(s.id);
    made.push(s.id);
    return s.id;
  }

  beforeAll(() => {
    mkdirSync(shared);
    execFileSync('podman', ['run', '-d', '--name', src, '--network', 'none', '-v', `${shared}:/host`, 'localhost/stasis-busybox:latest', 'sleep', '100000']);
    const ck = helper(['checkpoint', 'podman', src, '--compress=none']);
    sentId = String(ck.result?.['id'] ?? '');
    expect(sentId, JSON.stringify(ck)).toMatch(/^ck-/);
    made.push(sentId);
    sent = path.join(dir, 'sent');
    mkdirSync(sent);
    execFileSync('sh', ['-c', `sh "$0" send "$1" | tar -xf - -C "$2"`, HELPER, sentId, sent]);
  });
  afterAll(() => {
    // Only while our child still runs: CRIU's dump ended it, and a dead group's number is soon another's (pid_max 32768).
    if (tree.p?.pid && tree.p.exitCode === null && tree.p.signalCode === null) spawnSync('kill', ['-KILL', `-${tree.p.pid}`]);
    removePodmanContainers([src, `${TAG}-evil`, `${TAG}-root`, `${TAG}-op`, `${TAG}-own`, `${TAG}-c1`, `${TAG}-c2`]);
    deleteStoredCheckpoints((c) => made.includes(c.id), ['/bin/sh', HELPER]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a crafted received podman checkpoint (host / bind-mounted) to a caller the host did not allow; nothing runs', () => {
    // The path under test: the real /etc/stasis/helper.conf, which never names nobody.
    const conf = existsSync(HELPER_CONF) ? readFileSync(HELPER_CONF, 'utf8') : '';
    expect(conf).not.toMatch(new RegExp(`^allow-received-restore (nobody|${NOBODY})$`, 'm'));
    const id = receive(true, nobody);
    // Into a new container, and over the stopped original.
    for (const extra of [[`--name=${TAG}-evil`], []]) {
      const r = helper(['restore', id, ...extra], { as: nobody });
      expect(r.error, JSON.stringify(r)).toMatchObject({ code: 'permission-denied' });
      expect(r.error!.message).toContain('received from another host');
      expect(r.error!.message).toContain('could give you root');
      expect(r.error!.message).toContain(`"allow-received-restore nobody" in ${HELPER_CONF}`);
    }
    expect(exists(`${TAG}-evil`)).toBe(false);
    // A migration's preflight hears it before anything freezes.
    const mc = helper(['migrate-check', 'dest', 'podman', 'localhost/stasis-busybox:latest', `${TAG}-evil`, '-'], { as: nobody });
    expect(mc.result, JSON.stringify(mc)).toMatchObject({ receivedRestore: false, caller: 'nobody' });
    // The stopped original, which a restore under its own name replaces first, is untouched.
    expect(state(src)).toBe('exited');
  });

  it('never lets the allowed user restore a received process tree', async () => {
    const tree_ = spawn('sh', ['-c', 'exec sleep 100000'], { detached: true, stdio: 'ignore' });
    tree.p = tree_;
    const pid = tree_.pid!;
    const ck = helper(['checkpoint', 'process', String(pid)]);
    const pcId = String(ck.result?.['id'] ?? '');
    expect(pcId, JSON.stringify(ck)).toMatch(/^ck-/);
    made.push(pcId);
    const newId = `${pcId.slice(0, -8)}bbbb0001`;
    const work = path.join(dir, 'proc');
    mkdirSync(work);
    execFileSync('sh', ['-c', `sh "$0" send "$1" | tar -xf - -C "$2" && mv "$2/$1" "$2/$3"`, HELPER, pcId, work, newId]);
    const r0 = helper(['receive', newId], { input: execFileSync('tar', ['-cf', '-', '-C', work, newId], { maxBuffer: 1 << 28 }), as: operator });
    expect(r0.result?.['id'], JSON.stringify(r0)).toBe(newId);
    made.push(newId);
    const r = helper(['restore', newId], { as: operator });
    expect(r.error, JSON.stringify(r)).toMatchObject({ code: 'permission-denied' });
    expect(r.error!.message).toContain('only root may restore it');
  });

  it('restores an honest received checkpoint for the user /etc/stasis/helper.conf allows and for root; a caller’s own checkpoint as before', () => {
    expect(readFileSync(HELPER_CONF, 'utf8'), 'the global setup allows the operator').toMatch(new RegExp(`^allow-received-restore ${TEST_OPERATOR}$`, 'm'));
    const id = receive(false, operator);
    const r = helper(['restore', id, `--name=${TAG}-op`], { as: operator });
    expect((r.result as Restored | undefined)?.container.name, JSON.stringify(r)).toBe(`${TAG}-op`);
    expect(state(`${TAG}-op`)).toBe('running');
    expect(hostMountOf(`${TAG}-op`)).toBe(shared);
    const mc = helper(['migrate-check', 'dest', 'podman', 'localhost/stasis-busybox:latest', `${TAG}-op2`, '-'], { as: operator });
    expect(mc.result, JSON.stringify(mc)).toMatchObject({ receivedRestore: true, caller: TEST_OPERATOR });
    // Root: received by nobody, restored by root as before.
    const id2 = receive(false, nobody);
    const r2 = helper(['restore', id2, `--name=${TAG}-root`]);
    expect((r2.result as Restored | undefined)?.container.name, JSON.stringify(r2)).toBe(`${TAG}-root`);
    expect(state(`${TAG}-root`)).toBe('running');
    // A checkpoint the caller took here is theirs to restore, helper.conf or not.
    const own = helper(['checkpoint', 'podman', `${TAG}-root`, '--compress=none'], { as: nobody });
    const ownId = String(own.result?.['id'] ?? '');
    expect(ownId, JSON.stringify(own)).toMatch(/^ck-/);
    made.push(ownId);
    const r3 = helper(['restore', ownId, `--name=${TAG}-own`], { as: nobody });
    expect((r3.result as Restored | undefined)?.container.name, JSON.stringify(r3)).toBe(`${TAG}-own`);
  });

  it('takes helper.conf into account only when root alone can change it, and only its exact lines', () => {
    // A copy of the helper reading a private conf (the one constant changed): the rules, without touching /etc.
    const etc = path.join(dir, 'etc');
    mkdirSync(etc, { mode: 0o755 });
    const conf = path.join(etc, 'helper.conf');
    const text = readFileSync(HELPER, 'utf8');
    const copy = path.join(dir, 'helper-private-conf.sh');
    writeFileSync(copy, text.replace(/^HELPER_CONF=\/etc\/stasis\/helper\.conf$/m, `HELPER_CONF=${conf}`));
    expect(readFileSync(copy, 'utf8'), 'the helper names its conf in one constant').toContain(`HELPER_CONF=${conf}\n`);
    const id = receive(false, nobody);
    const restore = (name: string) => helper(['restore', id, `--name=${name}`], { as: nobody, file: copy });
    const denied = (why: string) => {
      const r = restore(`${TAG}-c0`);
      expect(r.error?.code, `${why}: ${JSON.stringify(r)}`).toBe('permission-denied');
      return r.error!.detail;
    };
    const put = (body: string, mode = 0o644) => {
      rmSync(conf, { force: true });
      writeFileSync(conf, body);
      chmodSync(conf, mode);
    };

    expect(denied('no file')).toContain('does not exist');
    for (const body of [
      `allow-received-restore  nobody\n`,
      `allow-received-restore nobody # me\n`,
      `allow-received-restore nobody,${TEST_OPERATOR}\n`,
      `Allow-received-restore nobody\n`,
      `allow-received-restore nobody\r\n`,
      `allow-received-restore ${TEST_OPERATOR}\nallow-received-restore 0${NOBODY}\n`,
      `allow-received-restore $(id -u nobody)\n`,
    ]) {
      put(body);
      expect(denied(JSON.stringify(body))).toContain('has no valid line');
    }
    put(`allow-received-restore nobody\n`, 0o664);
    expect(denied('group-writable')).toContain('is ignored');
    put(`allow-received-restore nobody\n`, 0o646);
    expect(denied('other-writable')).toContain('is ignored');
    put(`allow-received-restore nobody\n`);
    chownSync(conf, OP_UID, 0);
    expect(denied('not root-owned')).toContain('is ignored');
    put(`allow-received-restore nobody\n`);
    chmodSync(etc, 0o775);
    expect(denied('group-writable directory')).toContain('is ignored');
    chmodSync(etc, 0o755);
    const real = path.join(dir, 'real.conf');
    writeFileSync(real, `allow-received-restore nobody\n`);
    rmSync(conf);
    symlinkSync(real, conf);
    expect(denied('symlink')).toContain('is ignored');
    expect(exists(`${TAG}-c0`)).toBe(false);

    // Allowed: by name (with comments and others' lines around it), then by uid; each restore really runs.
    put(`# received checkpoints\n\nallow-received-restore ${TEST_OPERATOR}\nallow-received-restore nobody\n`);
    const r1 = restore(`${TAG}-c1`);
    expect((r1.result as Restored | undefined)?.container.name, JSON.stringify(r1)).toBe(`${TAG}-c1`);
    put(`allow-received-restore ${NOBODY}`); // no final newline
    const r2 = restore(`${TAG}-c2`);
    expect((r2.result as Restored | undefined)?.container.name, JSON.stringify(r2)).toBe(`${TAG}-c2`);
  });
});
