import type { AppInfo } from '../../../shared/api/contract';
import type { HostSummary } from '../../../shared/domain/host';
import type { ManualHost } from '../../../shared/domain/ssh-host';
import { toProblem, type Outcome } from './messages';
import type { SliceCreator } from './types';

export interface HostAdminSlice {
  /** Which shell and which ssh config file (the sidebar names the file actually read). */
  appInfo: AppInfo | undefined;
  loadAppInfo(): Promise<void>;
  /** Changes a host added in Stasis; the main side tries it first and refuses one it cannot reach. */
  updateHost(host: ManualHost): Promise<Outcome<HostSummary>>;
}

export const createHostAdminSlice: SliceCreator<HostAdminSlice> = (set, get, deps) => ({
  appInfo: undefined,

  async loadAppInfo() {
    if (get().appInfo) return;
    try {
      set({ appInfo: await deps.api.app.info({}) });
    } catch {
      // Without it the sidebar says "your SSH config"; nothing else depends on it.
    }
  },

  async updateHost(host) {
    try {
      const updated = await deps.api.hosts.update(host);
      await get().loadHosts();
      get().forgetHost(host.id);
      get().refreshSoon(host.id);
      get().notify({ tone: 'ok', text: `Saved ${updated.name}.`, hostId: updated.id });
      return { ok: true, value: updated };
    } catch (err) {
      return { ok: false, problem: toProblem(err) };
    }
  },
});

/**
 * A host's summary as an event or a list sends it, merged with what the app knew: the capability table (only a probe
 * sends it) and where the host comes from (only the list sends it) stay until something replaces them.
 */
export function mergeHost(prev: HostSummary | undefined, next: HostSummary): HostSummary {
  if (!prev) return next;
  return {
    ...next,
    ...(next.capabilities ? {} : prev.capabilities ? { capabilities: prev.capabilities } : {}),
    ...(next.source ? {} : prev.source ? { source: prev.source } : {}),
    ...(next.manual ? {} : prev.manual ? { manual: prev.manual } : {}),
  };
}
