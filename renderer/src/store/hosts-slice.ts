import { ApiError } from '../../../shared/api/client';
import type { HostSummary, SshConfigHost } from '../../../shared/domain/host';
import type { HostTestResult, ManualHost, SetUpResult } from '../../../shared/domain/ssh-host';
import { toProblem, type Outcome, type Problem } from './messages';
import type { SliceCreator } from './types';
import { mergeHost } from './host-admin-slice';

/** Something only the user can answer before a host action can go on. */
export type HostPrompt =
  | { kind: 'host-key'; hostId: string; fingerprint: string; message: string }
  | { kind: 'secret'; hostId: string; secretKind: 'password' | 'passphrase'; message: string };

/** A connection test of one host: kept under that host's id, so it never shows on another host's page. */
export interface HostCheck {
  busy: boolean;
  result?: HostTestResult;
  problem?: Problem;
}

export interface HostsSlice {
  hosts: HostSummary[];
  hostsLoaded: boolean;
  hostsProblem: Problem | undefined;
  /** "Check what it can do" running, per host. */
  probing: Record<string, boolean>;
  checks: Record<string, HostCheck>;
  sshConfigHosts: SshConfigHost[] | undefined;
  prompt: HostPrompt | undefined;
  loadHosts(): Promise<void>;
  hostChanged(host: HostSummary): void;
  probeHost(hostId: string): Promise<void>;
  testHost(hostId: string): Promise<void>;
  setUpHost(hostId: string, sudoers: boolean): Promise<Outcome<SetUpResult>>;
  addHost(host: ManualHost): Promise<Outcome<HostSummary>>;
  removeHost(hostId: string): Promise<Outcome<boolean>>;
  loadSshConfig(): Promise<void>;
  /** Turns an error the user can resolve (unknown key, a password) into a prompt; true when it did. */
  promptFor(hostId: string, err: unknown): boolean;
  /** `remember`: keep a secret across restarts (the desktop app with a keyring only; stored encrypted). */
  answerPrompt(answer: string | undefined, remember?: boolean): Promise<void>;
}

export const createHostsSlice: SliceCreator<HostsSlice> = (set, get, { api }) => {
  const setCheck = (hostId: string, check: HostCheck): void => set((s) => ({ checks: { ...s.checks, [hostId]: check } }));
  return {
    hosts: [],
    hostsLoaded: false,
    hostsProblem: undefined,
    probing: {},
    checks: {},
    sshConfigHosts: undefined,
    prompt: undefined,

    async loadHosts() {
      try {
        const listed = await api.hosts.list({});
        // A probe's capability table stays when the list (which has none for SSH hosts) comes again.
        set((s) => ({ hosts: listed.map((h) => mergeHost(s.hosts.find((p) => p.id === h.id), h)), hostsLoaded: true, hostsProblem: undefined }));
      } catch (err) {
        set({ hostsProblem: toProblem(err), hostsLoaded: true });
      }
    },

    hostChanged(host) {
      set((s) => ({ hosts: s.hosts.some((h) => h.id === host.id) ? s.hosts.map((h) => (h.id === host.id ? mergeHost(h, host) : h)) : [...s.hosts, host] }));
    },

    async probeHost(hostId) {
      set((s) => ({ probing: { ...s.probing, [hostId]: true } }));
      try {
        const capabilities = await api.hosts.probe({ hostId });
        // The event usually carries it too; this keeps the page right when the event is late or missed.
        set((s) => ({ hosts: s.hosts.map((h) => (h.id === hostId ? { ...h, capabilities, status: 'ok' } : h)) }));
      } catch (err) {
        if (!get().promptFor(hostId, err)) get().notify({ tone: 'error', text: toProblem(err).message, hostId });
      } finally {
        set((s) => ({ probing: { ...s.probing, [hostId]: false } }));
      }
    },

    async testHost(hostId) {
      setCheck(hostId, { ...get().checks[hostId], busy: true });
      try {
        setCheck(hostId, { busy: false, result: await api.hosts.test({ hostId }) });
      } catch (err) {
        get().promptFor(hostId, err);
        setCheck(hostId, { busy: false, problem: toProblem(err) });
      }
    },

    async setUpHost(hostId, sudoers) {
      setCheck(hostId, { ...get().checks[hostId], busy: true });
      try {
        const r = await api.hosts.setUp({ hostId, sudoers });
        get().notify({ tone: 'ok', text: `Installed the Stasis helper ${r.version} at ${r.helperPath}${r.sudoers ? ' with a sudoers rule' : ''}.`, hostId });
        await get().testHost(hostId);
        void get().refreshHost(hostId);
        return { ok: true, value: r };
      } catch (err) {
        const problem = toProblem(err);
        if (!get().promptFor(hostId, err)) setCheck(hostId, { ...get().checks[hostId], busy: false, problem });
        return { ok: false, problem };
      }
    },

    async addHost(host) {
      try {
        const added = await api.hosts.add(host);
        await get().loadHosts();
        get().notify({ tone: 'ok', text: `Added ${added.name}.`, hostId: added.id });
        return { ok: true, value: added };
      } catch (err) {
        return { ok: false, problem: toProblem(err) };
      }
    },

    async removeHost(hostId) {
      try {
        const { removed } = await api.hosts.remove({ hostId });
        await get().loadHosts();
        get().forgetHost(hostId);
        return { ok: true, value: removed };
      } catch (err) {
        return { ok: false, problem: toProblem(err) };
      }
    },

    async loadSshConfig() {
      try {
        set({ sshConfigHosts: await api.hosts.sshConfig({}) });
      } catch (err) {
        get().notify({ tone: 'error', text: toProblem(err).message });
      }
    },

    promptFor(hostId, err) {
      if (err instanceof ApiError && err.code === 'host-key-unknown' && err.detail) {
        set({ prompt: { kind: 'host-key', hostId, fingerprint: err.detail, message: err.message } });
        return true;
      }
      if (err instanceof ApiError && (err.code === 'password-needed' || err.code === 'passphrase-needed' || err.code === 'sudo-needs-password')) {
        set({ prompt: { kind: 'secret', hostId, secretKind: err.code === 'passphrase-needed' ? 'passphrase' : 'password', message: err.message } });
        return true;
      }
      return false;
    },

    async answerPrompt(answer, remember = false) {
      const p = get().prompt;
      set({ prompt: undefined });
      if (!p || answer === undefined) return;
      try {
        if (p.kind === 'host-key') await api.hosts.acceptKey({ hostId: p.hostId, fingerprint: p.fingerprint });
        else {
          const r = await api.hosts.provideSecret({ hostId: p.hostId, kind: p.secretKind, secret: answer, remember });
          if (remember && !r.remembered) {
            get().notify({ tone: 'error', text: 'Not remembered: only the desktop app with a keyring can store it (encrypted). It stays in memory until Stasis quits.', hostId: p.hostId });
          }
        }
      } catch (err) {
        if (!get().promptFor(p.hostId, err)) get().notify({ tone: 'error', text: toProblem(err).message, hostId: p.hostId });
        return;
      }
      await get().refreshHost(p.hostId);
    },
  };
};
