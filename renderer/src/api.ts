import { createClient, onEvent } from '../../shared/api/client';
import type { Events, StasisClient } from '../../shared/api/contract';
import type { EventPayload } from '../../shared/api/define';
import type { FileAccess } from './file-access';
import type { AppTransport, ConnectionState } from './transport';

/**
 * The renderer's only way to the main side: the typed contract, plus event subscription and the connection's state.
 * Built once in main.tsx from the transport picked there; stores get it passed in, nothing imports a live one.
 */
export interface Backend {
  api: StasisClient;
  subscribe<K extends keyof Events & string>(name: K, listener: (payload: EventPayload<Events, K>) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Upload (browser mode) or a dropped file's path (Electron): see file-access.ts. */
  files: FileAccess;
}

export function createBackend(transport: AppTransport, files: FileAccess = {}): Backend {
  return {
    api: createClient(transport),
    subscribe: (name, listener) => onEvent(transport, name, listener),
    onConnection: (listener) => transport.onConnection(listener),
    files,
  };
}
