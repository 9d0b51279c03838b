import { homedir } from 'node:os';
import path from 'node:path';
import { StasisError } from '../../shared/api/errors';
import type { EmitEvent } from '../../shared/api/dispatch';
import type { HostSummary } from '../../shared/domain/host';
import type { HelperStatus, HostKeyInfo, HostTestResult, ManualHost, SecretKind, SetUpResult } from '../../shared/domain/ssh-host';
import { localRunner, type CommandRunner } from './command-runner';
import { HelperClient } from './helper-client';
import { INSTALLED_HELPER, shippedHelper } from './helper-source';
import type { HostStore } from './host-store';
import { MemoryVault, type SecretVault } from './secret-vault';
import { probeHost } from './host-probe';
import { listSshConfigHosts, resolveJumpHop, resolveSshTarget, type SshTarget } from './ssh-config';
import { appendKnownHost, fingerprint, keyTypeOf } from './ssh/known-hosts';
import { SshConnection, type SshStatus } from './ssh/ssh-connection';

export interface HostRegistryOptions {
  sshConfigPath: string;
  store: HostStore;
  emit?: EmitEvent;
  localSummary(fresh?: boolean): Promise<HostSummary>;
  /** Passwords and passphrases; in memory unless the shell passes an encrypting vault. */
  secrets?: SecretVault;
}

interface SshEntry {
  id: string;
  source: 'ssh-config' | 'manual';
  manual?: ManualHost;
}

const LOCAL = 'local';

/**
 * The sudoers drop-in "Set up this host" writes for a user. sudo applies the last matching rule and reads
 * /etc/sudoers.d in name order, so the name sorts after the usual ones ("90-cloud-init-users", "admins"): a
 * password-requiring "user ALL=(ALL) ALL" read later would otherwise cancel the NOPASSWD for the helper.
 */
export function sudoersDropInPath(user: string): string {
  return `/etc/sudoers.d/zz-stasis-${user}`;
}

function manualTarget(m: ManualHost): SshTarget {
  return {
    alias: m.id,
    hostName: m.hostName,
    port: m.port ?? 22,
    user: m.user ?? process.env['USER'] ?? 'root',
    identityFiles: m.identityFile ? [m.identityFile] : [],
    identitiesOnly: false,
    knownHostsFiles: [path.join(homedir(), '.ssh', 'known_hosts')],
    proxyJump: m.proxyJump ? m.proxyJump.split(',').map((s) => s.trim()) : [],
  };
}

/** This computer plus every SSH host (ssh config and added by hand), their connections and helpers. */
export class HostRegistry {
  private readonly conns = new Map<string, SshConnection>();
  private readonly helpers = new Map<string, HelperClient>();
  private readonly secrets: SecretVault;
  private localHelper?: HelperClient;

  constructor(private readonly o: HostRegistryOptions) {
    this.secrets = o.secrets ?? new MemoryVault();
  }

  async sshEntries(): Promise<SshEntry[]> {
    const [config, file] = await Promise.all([listSshConfigHosts(this.o.sshConfigPath), this.o.store.read()]);
    const hidden = new Set(file.hidden);
    const out: SshEntry[] = config.filter((h) => !hidden.has(h.alias) && h.alias !== LOCAL).map((h) => ({ id: h.alias, source: 'ssh-config' as const }));
    for (const m of file.hosts) if (!out.some((e) => e.id === m.id)) out.push({ id: m.id, source: 'manual', manual: m });
    return out;
  }

  async ids(): Promise<string[]> {
    return [LOCAL, ...(await this.sshEntries()).map((e) => e.id)];
  }

  private async entry(id: string): Promise<SshEntry> {
    const e = (await this.sshEntries()).find((x) => x.id === id);
    if (!e) throw new StasisError('not-found', `No host "${id}". Add it (stasis hosts add) or check your ssh config.`);
    return e;
  }

  private async target(e: SshEntry): Promise<SshTarget> {
    return e.manual ? manualTarget(e.manual) : resolveSshTarget(this.o.sshConfigPath, e.id);
  }

  private summaryOf(id: string, t: SshTarget | undefined, status: SshStatus, error?: string): HostSummary {
    return {
      id,
      name: id,
      kind: 'ssh',
      ...(t ? { address: `${t.user}@${t.hostName}:${t.port}` } : {}),
      status,
      ...(error ? { error } : {}),
    };
  }

  async connection(id: string): Promise<SshConnection> {
    const existing = this.conns.get(id);
    if (existing) return existing;
    const t = await this.target(await this.entry(id));
    const conn = new SshConnection(id, t, {
      // A jump host gets only what was entered for it (its spec names it, e.g. an ssh config alias).
      secret: (kind, hop) => this.secrets.get(`${hop ?? id}\0${kind}`),
      resolveHop: (spec) => resolveJumpHop(this.o.sshConfigPath, spec),
      onStatus: (s, err) => this.o.emit?.('hostChanged', { host: this.summaryOf(id, t, s, err?.message) }),
    });
    this.conns.set(id, conn);
    return conn;
  }

  async runnerFor(id: string): Promise<CommandRunner> {
    return id === LOCAL ? localRunner : this.connection(id);
  }

  async helperFor(id: string): Promise<HelperClient> {
    if (id === LOCAL) {
      this.localHelper ??= new HelperClient({ hostId: LOCAL, where: 'this computer', local: true, runner: localRunner });
      return this.localHelper;
    }
    let h = this.helpers.get(id);
    if (!h) {
      const conn = await this.connection(id);
      h = new HelperClient({ hostId: id, where: id, local: false, runner: conn });
      this.helpers.set(id, h);
    }
    return h;
  }

  async list(): Promise<HostSummary[]> {
    const local = await this.o.localSummary();
    const entries = await this.sshEntries();
    const ssh = await Promise.all(
      entries.map(async (e) => {
        const t = await this.target(e).catch(() => undefined);
        return { ...this.summaryOf(e.id, t, this.conns.get(e.id)?.status ?? 'unknown'), source: e.source, ...(e.manual ? { manual: e.manual } : {}) };
      }),
    );
    return [local, ...ssh];
  }

  async add(m: ManualHost): Promise<HostSummary> {
    if (m.id === LOCAL) throw new StasisError('bad-request', '"local" is this computer; pick another name.');
    if ((await this.sshEntries()).some((e) => e.id === m.id)) {
      throw new StasisError('bad-request', `A host named "${m.id}" already exists. Pick another name or remove it first.`);
    }
    await this.tryBeforeSaving(m);
    await this.o.store.update((d) => ({ ...d, hosts: [...d.hosts.filter((h) => h.id !== m.id), m], hidden: d.hidden.filter((h) => h !== m.id) }));
    const s: HostSummary = { ...this.summaryOf(m.id, manualTarget(m), 'unknown'), source: 'manual', manual: m };
    this.o.emit?.('hostChanged', { host: s });
    return s;
  }

  /**
   * A host is tried before it is saved, so a typo ("no-such-host.invalid") is refused with the reason rather than
   * listed as a host that never answers. Only "cannot reach it" refuses: an unknown host key or a missing password
   * means the host is there, and the host page asks for those next.
   */
  private async tryBeforeSaving(m: ManualHost): Promise<void> {
    const probe = new SshConnection(m.id, manualTarget(m), {
      secret: (kind, hop) => this.secrets.get(`${hop ?? m.id}\0${kind}`),
      resolveHop: (spec) => resolveJumpHop(this.o.sshConfigPath, spec),
    });
    try {
      await probe.connect();
    } catch (err) {
      if (err instanceof StasisError && (err.code === 'host-unreachable' || err.code === 'timeout')) {
        const dns = /ENOTFOUND|EAI_AGAIN|EAI_NONAME/.test(`${err.detail ?? ''} ${err.message}`);
        const why = dns ? `the name "${m.hostName}" does not resolve to an address` : err.message.replace(/\.$/, '');
        throw new StasisError(err.code, `Stasis could not reach ${m.hostName}${m.port ? ` on port ${m.port}` : ''}: ${why}. The host was not saved; check the address and port.`, err.detail ?? err.message);
      }
    } finally {
      probe.close();
    }
  }

  /** Changes a host added by hand (tried first, like a new one); hosts from the ssh config are edited there. */
  async update(m: ManualHost): Promise<HostSummary> {
    const e = await this.entry(m.id);
    if (e.source !== 'manual') {
      throw new StasisError('bad-request', `"${m.id}" comes from your ssh config (${this.o.sshConfigPath}); change it there.`);
    }
    await this.tryBeforeSaving(m);
    await this.o.store.update((d) => ({ ...d, hosts: d.hosts.map((h) => (h.id === m.id ? m : h)) }));
    this.conns.get(m.id)?.close();
    this.conns.delete(m.id);
    this.helpers.delete(m.id);
    const s: HostSummary = { ...this.summaryOf(m.id, manualTarget(m), 'unknown'), source: 'manual', manual: m };
    this.o.emit?.('hostChanged', { host: s });
    return s;
  }

  async remove(id: string): Promise<{ removed: boolean }> {
    if (id === LOCAL) throw new StasisError('bad-request', 'This computer cannot be removed.');
    const e = await this.entry(id);
    this.conns.get(id)?.close();
    this.conns.delete(id);
    this.helpers.delete(id);
    this.secrets.delete(`${id}\0password`);
    this.secrets.delete(`${id}\0passphrase`);
    await this.o.store.update((d) =>
      e.source === 'manual' ? { ...d, hosts: d.hosts.filter((h) => h.id !== id) } : { ...d, hidden: [...new Set([...d.hidden, id])] },
    );
    return { removed: true };
  }

  provideSecret(id: string, kind: SecretKind, secret: string, remember = false): { ok: boolean; remembered: boolean } {
    const { remembered } = this.secrets.set(`${id}\0${kind}`, secret, { remember });
    // A new secret means a new login attempt: drop a failed or stale session.
    const c = this.conns.get(id);
    if (c && c.status !== 'ok') {
      c.close();
      this.conns.delete(id);
      this.helpers.delete(id);
    }
    return { ok: true, remembered };
  }

  async acceptKey(id: string, fp: string): Promise<HostKeyInfo> {
    const conn = await this.connection(id);
    if (!conn.presented) await conn.connect().catch(() => undefined);
    const p = conn.presented;
    if (!p) throw new StasisError('not-found', `${id} has not presented a host key yet. Test the host first.`);
    if (p.verdict === 'ok') return { hostId: id, host: p.host, port: p.port, keyType: keyTypeOf(p.key), fingerprint: fingerprint(p.key) };
    if (p.verdict !== 'unknown') {
      throw new StasisError('host-key-changed', `The host key of ${id} has changed; Stasis will not overwrite a known key. Remove the old line from known_hosts yourself if the change is expected.`);
    }
    if (fingerprint(p.key) !== fp) {
      throw new StasisError('host-key-changed', `${id} now presents ${fingerprint(p.key)}, not the ${fp} you accepted. Test the host again and compare.`);
    }
    const file = conn.target.knownHostsFiles[0] ?? path.join(homedir(), '.ssh', 'known_hosts');
    await appendKnownHost(file, p.host, p.port, p.key);
    conn.close();
    this.conns.delete(id);
    this.helpers.delete(id);
    return { hostId: id, host: p.host, port: p.port, keyType: keyTypeOf(p.key), fingerprint: fp };
  }

  async test(id: string): Promise<HostTestResult> {
    const started = Date.now();
    const expected = shippedHelper().version;
    const helper = await this.helperFor(id);
    let user: string | undefined;
    if (id !== LOCAL) {
      const r = await (await this.connection(id)).run(['id', '-un'], { timeoutMs: 20_000 });
      user = r.stdout.trim() || undefined;
    }
    const latencyMs = Date.now() - started;
    let status: HelperStatus;
    try {
      const { via } = await helper.how();
      const v = (await helper.call('version', [], { timeoutMs: 30_000 })) as { version?: string };
      status = { installed: true, version: v.version ?? expected, expected, upToDate: true, via };
    } catch (err) {
      if (!(err instanceof StasisError)) throw err;
      const via = await helper.how().then((h) => h.via, () => 'none' as const);
      if (err.code === 'helper-outdated') status = { installed: true, expected, upToDate: false, via, problem: err.message };
      else if (err.code === 'helper-missing') status = { installed: false, expected, upToDate: false, via, problem: err.message };
      else status = { installed: true, expected, upToDate: false, via, problem: err.message };
    }
    return { hostId: id, ok: status.upToDate, latencyMs, ...(user ? { user } : {}), helper: status };
  }

  /**
   * "Set up this host": copies the shipped helper to a temp file as the login user, installs it root-owned at
   * the fixed path, and optionally adds a sudoers drop-in (checked with visudo -c) for exactly that program.
   */
  async setUp(id: string, sudoers: boolean): Promise<SetUpResult> {
    const { text, version } = shippedHelper();
    const runner = await this.runnerFor(id);
    const uid = id === LOCAL ? process.getuid?.() : Number((await runner.run(['id', '-u'], { timeoutMs: 20_000 })).stdout.trim());
    const user = id === LOCAL ? (process.env['USER'] ?? '') : (await runner.run(['id', '-un'], { timeoutMs: 20_000 })).stdout.trim();
    const password = this.secrets.get(`${id}\0password`);
    const asRoot = async (argv: string[], what: string): Promise<void> => {
      let cmd: string[] = argv;
      let input: string | undefined;
      if (uid !== 0) {
        if (id === LOCAL) cmd = ['pkexec', ...argv];
        else if (password) {
          cmd = ['sudo', '-S', '-p', '', '--', ...argv];
          input = `${password}\n`;
        } else cmd = ['sudo', '-n', '--', ...argv];
      }
      const r = await runner.run(cmd, { timeoutMs: 60_000, ...(input ? { input } : {}) });
      if (r.code !== 0) {
        if (/password is required|terminal is required/i.test(r.stderr)) {
          throw new StasisError('sudo-needs-password', `Setting up ${id} needs root: give the password of ${user} (it stays in memory), or log in as root.`, r.stderr.trim());
        }
        // Same code as above, so that the app and the CLI simply ask again.
        if (input && /incorrect password|no password was provided|Sorry, try again/i.test(r.stderr)) {
          throw new StasisError('sudo-needs-password', `sudo on ${id} refused the password given for ${user}. Enter the password of ${user} again.`, r.stderr.trim());
        }
        throw new StasisError('permission-denied', `Could not ${what} on ${id}: ${r.stderr.trim().split('\n').pop() ?? 'failed'}.`, r.stderr.trim());
      }
    };
    const mk = await runner.run(['mktemp', '/tmp/stasis-setup.XXXXXXXX'], { timeoutMs: 20_000 });
    const tmp = mk.stdout.trim();
    if (mk.code !== 0 || !/^\/tmp\/stasis-setup\.[A-Za-z0-9]+$/.test(tmp)) throw new StasisError('operation-failed', `Could not create a temp file on ${id}.`, mk.stderr);
    // install(1) unlinks and rewrites its target in place: a helper run (or sudo reading its rules) at that
    // moment finds no file, a 0600 file or half a file. So each file is staged beside its target under a
    // unique name and renamed over it. Staged sudoers names contain a dot, which sudo's includedir skips.
    const unique = tmp.slice(tmp.lastIndexOf('.') + 1);
    const staged: string[] = [];
    const installAtomically = async (mode: string, target: string, what: string): Promise<void> => {
      const stage = `${path.posix.dirname(target)}/.${path.posix.basename(target)}.${unique}`;
      staged.push(stage);
      // One elevation for both steps (one pkexec prompt, not two); the script is fixed, the paths are arguments.
      await asRoot(['sh', '-c', 'install -D -m "$1" -o root -g root "$2" "$3" && exec mv -f -T "$3" "$4"', 'sh', mode, tmp, stage, target], what);
      staged.pop();
    };
    try {
      const w = await runner.run(['sh', '-c', 'cat > "$1"', 'sh', tmp], { input: text, timeoutMs: 60_000 });
      if (w.code !== 0) throw new StasisError('operation-failed', `Could not copy the helper to ${id}.`, w.stderr);
      await installAtomically('0755', INSTALLED_HELPER, 'install the helper');
      let drop = false;
      if (sudoers && uid !== 0) {
        if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) throw new StasisError('bad-request', `Cannot write a sudoers rule for the user name "${user}".`);
        const rule = `# Stasis: let ${user} run only the Stasis helper as root, without a password.\n${user} ALL=(root) NOPASSWD: ${INSTALLED_HELPER}\n`;
        const w2 = await runner.run(['sh', '-c', 'cat > "$1"', 'sh', tmp], { input: rule, timeoutMs: 30_000 });
        if (w2.code !== 0) throw new StasisError('operation-failed', `Could not write the sudoers rule on ${id}.`, w2.stderr);
        await asRoot(['visudo', '-c', '-q', '-f', tmp], 'check the sudoers rule');
        const dropIn = sudoersDropInPath(user);
        await installAtomically('0440', dropIn, 'install the sudoers rule');
        // The rule only counts if no rule read after it takes it back: prove it the way the app will use it.
        const check = await runner.run(['sudo', '-n', '--', INSTALLED_HELPER, 'version'], { timeoutMs: 30_000 });
        if (check.code !== 0) {
          throw new StasisError(
            'permission-denied',
            `The sudoers rule ${dropIn} was installed on ${id}, but sudo still will not run the helper for ${user} without a password: a rule read after it (later in /etc/sudoers.d or /etc/sudoers) overrides it. Move that rule before ${dropIn}, or add "${user} ALL=(root) NOPASSWD: ${INSTALLED_HELPER}" after it.`,
            check.stderr.trim(),
          );
        }
        drop = true;
      }
      const helper = await this.helperFor(id);
      helper.reset();
      return { hostId: id, helperPath: INSTALLED_HELPER, version, sudoers: drop };
    } finally {
      // A staged file left by a failed rename is removed; never the target itself.
      for (const f of staged) await asRoot(['rm', '-f', '--', f], 'clean up').catch(() => undefined);
      await runner.run(['rm', '-f', tmp], { timeoutMs: 20_000 }).catch(() => undefined);
    }
  }

  /** What an SSH host can do: the same read-only probe as this computer, run over the session. */
  async probe(id: string): Promise<HostSummary> {
    const e = await this.entry(id);
    const t = await this.target(e);
    const conn = await this.connection(id);
    // Non-root logins often lack the sbin directories where criu lives.
    const sbin = ['env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
    const capabilities = await probeHost((argv, o) => conn.run([...sbin, ...argv], { ...(o?.timeoutMs ? { timeoutMs: o.timeoutMs } : {}), ...(o?.input !== undefined ? { input: o.input } : {}) }));
    const s: HostSummary = { ...this.summaryOf(id, t, 'ok'), capabilities };
    this.o.emit?.('hostChanged', { host: s });
    return s;
  }

  /** Refreshes one host's summary (local: probe; SSH: connect). */
  async refresh(id: string): Promise<HostSummary> {
    if (id === LOCAL) return this.o.localSummary(true);
    const e = await this.entry(id);
    const t = await this.target(e);
    try {
      await (await this.connection(id)).connect();
      return this.summaryOf(id, t, 'ok');
    } catch (err) {
      return this.summaryOf(id, t, this.conns.get(id)?.status ?? 'error', err instanceof Error ? err.message : String(err));
    }
  }

  closeAll(): void {
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
    this.helpers.clear();
  }
}

