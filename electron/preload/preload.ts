// The whole renderer-facing surface of the main process: exactly the contract's channels, nothing else.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, REQUEST_CHANNELS } from '../../shared/api/contract';
import { BRIDGE_GLOBAL, type Transport } from '../../shared/api/transport';
import { ipcEventChannel } from '../../shared/api/ipc-channels';

const requestChannels = new Set<string>(REQUEST_CHANNELS);
const eventNames = new Set<string>(EVENT_NAMES);

const bridge: Transport = {
  invoke(channel, input) {
    if (!requestChannels.has(channel)) return Promise.resolve({ ok: false, error: { code: 'bad-request', message: `Unknown request "${channel}".` } });
    return ipcRenderer.invoke(channel, input) as Promise<unknown>;
  },
  on(eventName, listener) {
    if (!eventNames.has(eventName)) return () => {};
    const wrapped = (_e: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(ipcEventChannel(eventName), wrapped);
    return () => void ipcRenderer.removeListener(ipcEventChannel(eventName), wrapped);
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
