import { EVENT_NAMES, REQUEST_CHANNELS } from '../../shared/api/contract';
import type { Transport } from '../../shared/api/transport';
import { ipcEventChannel } from '../../shared/api/ipc-channels';

/** What of Electron's ipcRenderer the bridge uses; preload.ts passes the real one. */
export interface IpcRendererLike {
  invoke(channel: string, input: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/** The whole renderer-facing surface of the main process: exactly the contract's channels, nothing else. */
export function createBridge(ipcRenderer: IpcRendererLike): Transport {
  const requestChannels = new Set<string>(REQUEST_CHANNELS);
  const eventNames = new Set<string>(EVENT_NAMES);
  return {
    invoke(channel, input) {
      if (typeof channel !== 'string' || !requestChannels.has(channel)) {
        return Promise.resolve({ ok: false, error: { code: 'bad-request', message: `Unknown request "${String(channel)}".` } });
      }
      return ipcRenderer.invoke(channel, input);
    },
    on(eventName, listener) {
      if (typeof eventName !== 'string' || !eventNames.has(eventName) || typeof listener !== 'function') return () => {};
      // The renderer sees the payload only, never Electron's event (it carries the sender).
      const wrapped = (_e: unknown, payload: unknown): void => listener(payload);
      ipcRenderer.on(ipcEventChannel(eventName), wrapped);
      return () => void ipcRenderer.removeListener(ipcEventChannel(eventName), wrapped);
    },
  };
}

/** What of Electron's webUtils the preload uses (`File.path` is gone in modern Electron). */
export interface WebUtilsLike {
  getPathForFile(file: never): string;
}

/**
 * The path on disk of a file dropped onto the window, or null (not a File, or not from disk). The renderer gets only
 * this function, not webUtils: it learns the path of a file the user handed it, nothing else.
 */
export function createPathForFile(webUtils: WebUtilsLike): (file: unknown) => string | null {
  return (file) => {
    try {
      return webUtils.getPathForFile(file as never) || null;
    } catch {
      return null;
    }
  };
}
