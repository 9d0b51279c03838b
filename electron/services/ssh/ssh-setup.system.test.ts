import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { helperInstallPaths } from '../../../test-support/install-helper';
import { SSH_HOSTS_DIR, describeSystem } from '../../../test-support/system';
import { createAppServices } from '../app-services';
import { INSTALLED_HELPER, shippedHelper } from '../helper-source';
import { sudoersDropInPath } from '../host-registry';

const CONFIG = path.join(SSH_HOSTS_DIR, 'ssh_config');
/** stasis-c-admin only: kept out of ssh_config, whose hosts must all run the helper without a password. */
const ADMIN_CONFIG = path.join(SSH_HOSTS_DIR, 'ssh_config_admin');
const KNOWN_HOSTS = path.join(SSH_HOSTS_DIR, 'known_hosts');
/** sshd on every test host reads this one file for every user (AuthorizedKeysFile in ci/ssh-hosts.sh). */
const AUTHORIZED_KEYS = path.join(SSH_HOSTS_DIR, 'authorized_keys');
const ADMIN = 'stasisadmin';
const ADMIN_PW = 'stasis-admin-pw';
const ctx = { caller: 'test' };
/**
 * stasis-c's own /usr/local/libexec/stasis is bound from /srv/stasis-hosts/stasis-c/libexec-stasis: where "Set up
 * this host" on stasis-c installs INSTALLED_HELPER, seen from this machine.
 */
const C_HELPER = helperInstallPaths().find((p) => p.startsWith(path.join(SSH_HOSTS_DIR, 'stasis-c') + path.sep)) ?? path.join(SSH_HOSTS_DIR, 'stasis-c', 'libexec-stasis', path.basename(INSTALLED_HELPER));
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-test-setup-'));
const run = promisify(execFile);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function session(sshConfigPath: string) {
  return createAppServices({
    mode: 'browser',
    sshConfigPath,
    hostsFile: path.join(dir, `hosts-${Math.random().toString(36).slice(2)}.json`),
  });
}

/** Fixtures are checked with OpenSSH itself, so the code under test is not its own witness. */
const asAdmin = (...cmd: string[]) =>
  spawnSync('ssh', ['-F', ADMIN_CONFIG, '-o', 'BatchMode=yes', 'stasis-c-admin', ...cmd], { encoding: 'utf8', timeout: 60_000 });

/** Rewrites a shared file without the lines `drop` picks, by rename: sshd may read it at any moment. */
function dropLines(file: string, drop: (line: string) => boolean): void {
  const text = readFileSync(file, 'utf8');
  const kept = text.split('\n').filter((l) => !drop(l));
  if (kept.length === text.split('\n').length) return;
  const tmp = `${file}.stasis-test-${process.pid}`;
  writeFileSync(tmp, kept.join('\n'), { mode: statSync(file).mode & 0o777 });
  renameSync(tmp, file);
}

describeSystem('Set up this host', ['root', 'ssh-hosts'], () => {
  const dropIn = sudoersDropInPath(ADMIN);
  // The NOPASSWD rule lives in /etc, which this machine and every test host share: start and end without it.
  beforeAll(() => rmSync(dropIn, { force: true }));
  afterAll(() => rmSync(dropIn, { force: true }));

  it('as root: installs the shipped helper, again and again, without a moment where it cannot run', async () => {
    const s = session(CONFIG);
    const { version, text } = shippedHelper();
    // Other test files may run stasis-c's helper while we set up: two shell loops keep exec'ing it the whole time and count the runs that fail. That race is hit only now
    // and then; what makes it certain is that the file under that name is never written in place (each
    // write, chmod or chown of it is a "change" event; a rename over it is not).
    const inPlace: string[] = [];
    const watcher = watch(path.dirname(C_HELPER), (event, name) => {
      if (event === 'change' && name === path.basename(C_HELPER)) inPlace.push(name);
    });
    const stop = path.join(dir, 'stop-hammer');
    const hammers = [1, 2].map(() =>
      run('sh', ['-c', 'n=0 f=0; while [ ! -e "$1" ]; do n=$((n+1)); "$2" version >/dev/null 2>&1 || f=$((f+1)); done; echo "$n $f"', 'sh', stop, C_HELPER], {
        timeout: 120_000,
      }).then((r) => r.stdout.trim().split(' ').map(Number) as [number, number]),
    );
    try {
      const results = [];
      for (let i = 0; i < 4; i++) {
        results.push(...(await Promise.all([1, 2, 3].map(() => s.handlers.hosts.setUp({ hostId: 'stasis-c', sudoers: false }, ctx)))));
      }
      for (const r of results) expect(r).toEqual({ hostId: 'stasis-c', helperPath: INSTALLED_HELPER, version, sudoers: false });
      writeFileSync(stop, '');
      const counts = await Promise.all(hammers);
      expect(counts.reduce((n, [runs]) => n + runs, 0)).toBeGreaterThan(100);
      expect(counts.map(([, failed]) => failed)).toEqual([0, 0]);
      expect(inPlace).toEqual([]);

      // Root needs no sudoers rule, even when asked for one.
      await expect(s.handlers.hosts.setUp({ hostId: 'stasis-c', sudoers: true }, ctx)).resolves.toMatchObject({ sudoers: false, version });
      const st = statSync(C_HELPER);
      expect({ mode: st.mode & 0o7777, uid: st.uid, gid: st.gid }).toEqual({ mode: 0o755, uid: 0, gid: 0 });
      expect(readFileSync(C_HELPER, 'utf8')).toBe(text);

      const t = await s.handlers.hosts.test({ hostId: 'stasis-c' }, ctx);
      expect(t).toMatchObject({ hostId: 'stasis-c', ok: true, user: 'root', helper: { installed: true, version, expected: version, upToDate: true, via: 'root' } });
    } finally {
      watcher.close();
      writeFileSync(stop, '');
      await Promise.allSettled(hammers);
      s.close();
    }
  });

  it('through an admin whose sudo wants a password: asks for it, installs the helper and a checked NOPASSWD rule', async () => {
    const s = session(ADMIN_CONFIG);
    const { version } = shippedHelper();
    try {
      expect(asAdmin('sudo', '-n', INSTALLED_HELPER, 'version').status).not.toBe(0);

      const first = await s.handlers.hosts.setUp({ hostId: 'stasis-c-admin', sudoers: true }, ctx).catch((e: unknown) => e);
      expect(first).toMatchObject({ code: 'sudo-needs-password', message: expect.stringContaining(`password of ${ADMIN}`) });
      expect(existsSync(dropIn)).toBe(false);

      // A wrong password is refused with a way forward, and nothing is written.
      await s.handlers.hosts.provideSecret({ hostId: 'stasis-c-admin', kind: 'password', secret: 'not-the-password' }, ctx);
      const wrong = await s.handlers.hosts.setUp({ hostId: 'stasis-c-admin', sudoers: true }, ctx).catch((e: unknown) => e);
      expect(wrong).toMatchObject({ code: 'sudo-needs-password', message: expect.stringMatching(/refused|wrong|incorrect/i) });
      expect(existsSync(dropIn)).toBe(false);

      await s.handlers.hosts.provideSecret({ hostId: 'stasis-c-admin', kind: 'password', secret: ADMIN_PW }, ctx);
      const done = await s.handlers.hosts.setUp({ hostId: 'stasis-c-admin', sudoers: true }, ctx);
      expect(done).toEqual({ hostId: 'stasis-c-admin', helperPath: INSTALLED_HELPER, version, sudoers: true });

      // The rule: root-owned, 0440, accepted by visudo, and naming only the helper.
      const st = statSync(dropIn);
      expect({ mode: st.mode & 0o7777, uid: st.uid }).toEqual({ mode: 0o440, uid: 0 });
      expect(() => execFileSync('visudo', ['-c', '-q', '-f', dropIn])).not.toThrow();
      const rules = readFileSync(dropIn, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
      expect(rules).toEqual([`${ADMIN} ALL=(root) NOPASSWD: ${INSTALLED_HELPER}`]);

      const t = await s.handlers.hosts.test({ hostId: 'stasis-c-admin' }, ctx);
      expect(t).toMatchObject({ ok: true, user: ADMIN, helper: { installed: true, version, upToDate: true, via: 'sudo' } });
    } finally {
      s.close();
    }

    // A new session knows no password: everything now goes through sudo -n on the helper alone.
    const fresh = session(ADMIN_CONFIG);
    try {
      const list = await fresh.handlers.containers.list({ hostId: 'stasis-c-admin' }, ctx);
      expect(list.errors).toEqual([]);
      expect(Array.isArray(list.containers)).toBe(true);
      await expect(fresh.handlers.hosts.test({ hostId: 'stasis-c-admin' }, ctx)).resolves.toMatchObject({ ok: true, helper: { via: 'sudo' } });
    } finally {
      fresh.close();
    }
    const helperBySudo = asAdmin('sudo', '-n', INSTALLED_HELPER, 'version');
    expect(helperBySudo.status, helperBySudo.stderr).toBe(0);
    expect(JSON.parse(helperBySudo.stdout.trim())).toMatchObject({ result: { version } });
    // The rule opens the helper only, not everything.
    expect(asAdmin('sudo', '-n', 'true').status).not.toBe(0);
  });
});

describeSystem('Encrypted SSH key', ['root', 'ssh-hosts'], () => {
  const key = path.join(dir, 'id_pp');
  const comment = `stasis-test-passphrase-${process.pid}`;
  const cfg = path.join(dir, 'ssh_config_pp');
  const agent = process.env['SSH_AUTH_SOCK'];

  beforeAll(() => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret-pp', '-C', comment, '-f', key]);
    appendFileSync(AUTHORIZED_KEYS, readFileSync(`${key}.pub`, 'utf8'));
    writeFileSync(
      cfg,
      ['Host pp-c', '  HostName 127.0.0.4', '  Port 2222', '  User root', `  IdentityFile ${key}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${KNOWN_HOSTS}`, ''].join('\n'),
    );
    // An agent holding some other key must not be what logs us in.
    delete process.env['SSH_AUTH_SOCK'];
  });
  afterAll(() => {
    dropLines(AUTHORIZED_KEYS, (l) => l.endsWith(` ${comment}`));
    if (agent !== undefined) process.env['SSH_AUTH_SOCK'] = agent;
  });

  it('asks for the passphrase naming the key, refuses a wrong one clearly, and logs in with the right one', async () => {
    const s = session(cfg);
    try {
      const first = await s.handlers.hosts.test({ hostId: 'pp-c' }, ctx).catch((e: unknown) => e);
      expect(first).toMatchObject({ code: 'passphrase-needed', message: expect.stringContaining(key) });

      await s.handlers.hosts.provideSecret({ hostId: 'pp-c', kind: 'passphrase', secret: 'not-the-pp' }, ctx);
      // Not a crash, not a hang, and not "wants a password" (the server would take one too): the passphrase.
      const t0 = Date.now();
      const wrong = await s.handlers.containers.list({ hostId: 'pp-c' }, ctx).catch((e: unknown) => e);
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(wrong).toMatchObject({ code: 'passphrase-needed', message: expect.stringMatching(new RegExp(`${key}.*wrong`)) });
      // Across all hosts, the same failure is reported beside the others instead of thrown.
      const all = await s.handlers.containers.list({}, ctx);
      expect(all.errors).toEqual([expect.objectContaining({ host: 'pp-c', code: 'passphrase-needed' })]);

      await s.handlers.hosts.provideSecret({ hostId: 'pp-c', kind: 'passphrase', secret: 'secret-pp' }, ctx);
      await expect(s.handlers.hosts.test({ hostId: 'pp-c' }, ctx)).resolves.toMatchObject({ ok: true, user: 'root' });
      const list = await s.handlers.containers.list({ hostId: 'pp-c' }, ctx);
      expect(list.errors).toEqual([]);
    } finally {
      s.close();
    }
  });
});
