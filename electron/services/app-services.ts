import os from 'node:os';
import type { StasisHandlers } from '../../shared/api/contract';
import type { EmitEvent } from '../../shared/api/dispatch';
import { StasisError } from '../../shared/api/errors';
import type { HostCapabilities, HostSummary } from '../../shared/domain/host';
import { localExec } from './exec';
import { probeHost } from './host-probe';
import { defaultSshConfigPath, listSshConfigHosts } from './ssh-config';
import { STASIS_VERSION } from './version';

export interface AppServicesOptions {
  mode: 'electron' | 'browser';
  sshConfigPath?: string;
  emit?: EmitEvent;
}

/** Who is calling: Electron's webContents id, or a browser-mode connection id. */
export interface CallContext {
  caller: string;
}

/**
 * The composition root: every service is built once here and every API handler is defined here,
 * so Electron IPC, browser mode and the CLI share one implementation.
 */
export function createAppServices(options: AppServicesOptions) {
  const sshConfigPath = options.sshConfigPath ?? defaultSshConfigPath();
  let localProbe: Promise<HostCapabilities> | undefined;

  const probeLocal = (fresh: boolean): Promise<HostCapabilities> => {
    if (!localProbe || fresh) {
      localProbe = probeHost(localExec);
      localProbe.catch(() => (localProbe = undefined));
    }
    return localProbe;
  };

  const localSummary = async (fresh = false): Promise<HostSummary> => {
    try {
      const capabilities = await probeLocal(fresh);
      return { id: 'local', name: 'This computer', kind: 'local', address: os.hostname(), status: 'ok', capabilities };
    } catch (err) {
      return { id: 'local', name: 'This computer', kind: 'local', status: 'error', error: String(err) };
    }
  };

  const handlers: StasisHandlers<CallContext> = {
    app: {
      info: async () => ({ name: 'Stasis', version: STASIS_VERSION, mode: options.mode, platform: `${process.platform}-${process.arch}` }),
    },
    hosts: {
      list: async () => [await localSummary()],
      probe: async ({ hostId }) => {
        if (hostId !== 'local') throw new StasisError('not-found', `No host "${hostId}". Add it first, or pick one from the sidebar.`);
        const summary = await localSummary(true);
        options.emit?.('hostChanged', { host: summary });
        if (!summary.capabilities) throw new StasisError('operation-failed', `Could not probe this computer: ${summary.error ?? 'unknown error'}.`);
        return summary.capabilities;
      },
      sshConfig: async () => listSshConfigHosts(sshConfigPath),
    },
  };

  return { handlers, sshConfigPath };
}

export type AppServices = ReturnType<typeof createAppServices>;
