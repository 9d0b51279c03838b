import { create } from 'zustand';
import type { HostSummary, SshConfigHost } from '../../../shared/domain/host';
import { api, subscribe } from '../api';

export type View = { kind: 'host'; hostId: string } | { kind: 'ssh-config' } | { kind: 'image'; path?: string; stored?: { hostId: string; checkpointId: string } } | { kind: 'diff'; a?: string; b?: string; stored?: { hostId: string; before: string; after: string } };

interface HostsState {
  hosts: HostSummary[];
  sshConfigHosts: SshConfigHost[] | undefined;
  loading: boolean;
  error: string | undefined;
  view: View;
  select(view: View): void;
  load(): Promise<void>;
  reprobe(hostId: string): Promise<void>;
  loadSshConfig(): Promise<void>;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const useHosts = create<HostsState>()((set, get) => ({
  hosts: [],
  sshConfigHosts: undefined,
  loading: false,
  error: undefined,
  view: { kind: 'host', hostId: 'local' },
  select: (view) => set({ view }),
  async load() {
    set({ loading: true, error: undefined });
    try {
      set({ hosts: await api.hosts.list({}), loading: false });
    } catch (err) {
      set({ error: message(err), loading: false });
    }
  },
  async reprobe(hostId) {
    set({ loading: true, error: undefined });
    try {
      await api.hosts.probe({ hostId });
      set({ loading: false });
    } catch (err) {
      set({ error: message(err), loading: false });
    }
  },
  async loadSshConfig() {
    if (get().sshConfigHosts) return;
    try {
      set({ sshConfigHosts: await api.hosts.sshConfig({}) });
    } catch (err) {
      set({ error: message(err) });
    }
  },
}));

subscribe('hostChanged', ({ host }) => {
  useHosts.setState((s) => ({ hosts: s.hosts.some((h) => h.id === host.id) ? s.hosts.map((h) => (h.id === host.id ? host : h)) : [...s.hosts, host] }));
});
