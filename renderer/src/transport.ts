import { BRIDGE_GLOBAL, type ClientFrame, type ServerFrame, type Transport } from '../../shared/api/transport';

/** Whether the main side can be reached: Electron's bridge always can; browser mode's WebSocket can drop. */
export type ConnectionState = 'connecting' | 'connected' | 'lost';

export interface AppTransport extends Transport {
  /** Called with every change of the connection's state, and once at once with the current one. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** Electron: the preload's bridge. Browser mode: one WebSocket back to the serving process, with the tab's token. */
export function pickTransport(token: string): AppTransport {
  const bridge = (window as unknown as Record<string, Transport | undefined>)[BRIDGE_GLOBAL];
  if (bridge) return { invoke: (c, i) => bridge.invoke(c, i), on: (n, l) => bridge.on(n, l), onConnection: (l) => (l('connected'), () => {}) };
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api?token=${encodeURIComponent(token)}`;
  return webSocketTransport(() => new WebSocket(url), { setTimeout: (f, ms) => window.setTimeout(f, ms), clearTimeout: (t) => window.clearTimeout(t) });
}

export interface Timers {
  setTimeout(f: () => void, ms: number): number;
  clearTimeout(t: number): void;
}

/** Delays between reconnection attempts: quick at first, then every 5 s while the server stays away. */
export const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000];

/**
 * One WebSocket, opened on first use. When it closes, every pending request fails at once with a message that says
 * what happened, listeners hear `lost` at once, and it reconnects by itself (backoff above); event listeners stay.
 */
export function webSocketTransport(open: () => WebSocket, timers: Timers): AppTransport {
  const pending = new Map<number, (envelope: unknown) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let socket: Promise<WebSocket> | undefined;
  let attempt = 0;
  let retry: number | undefined;

  const setState = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    for (const l of connectionListeners) l(state);
  };

  const failAll = (message: string): void => {
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'host-unreachable', message } });
    pending.clear();
  };

  const scheduleReconnect = (): void => {
    if (retry !== undefined) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)]!;
    attempt++;
    retry = timers.setTimeout(() => {
      retry = undefined;
      void connect().catch(() => {});
    }, delay);
  };

  const connect = (): Promise<WebSocket> =>
    (socket ??= new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = open();
      } catch (err) {
        socket = undefined;
        setState('lost');
        scheduleReconnect();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      let opened = false;
      ws.onopen = () => {
        opened = true;
        attempt = 0;
        setState('connected');
        resolve(ws);
      };
      ws.onerror = () => {
        if (!opened) reject(new Error('Stasis cannot reach its server. Is "npm run serve" still running? Stasis keeps trying to reconnect.'));
      };
      ws.onclose = () => {
        socket = undefined;
        if (!opened) reject(new Error('Stasis cannot reach its server. Is "npm run serve" still running? Stasis keeps trying to reconnect.'));
        failAll('The connection to the Stasis server was lost while this ran. Stasis reconnects by itself; try again once it is back.');
        setState('lost');
        scheduleReconnect();
      };
      ws.onmessage = (msg) => {
        let frame: ServerFrame;
        try {
          frame = JSON.parse(String(msg.data)) as ServerFrame;
        } catch {
          return;
        }
        if (frame.type === 'result') {
          pending.get(frame.id)?.(frame.envelope);
          pending.delete(frame.id);
        } else if (frame.type === 'event') {
          for (const l of listeners.get(frame.name) ?? []) l(frame.payload);
        }
      };
    }));

  return {
    async invoke(channel, input) {
      let ws: WebSocket;
      try {
        ws = await connect();
      } catch (err) {
        return { ok: false, error: { code: 'host-unreachable', message: (err as Error).message } };
      }
      const id = nextId++;
      const frame: ClientFrame = { type: 'invoke', id, channel, input };
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify(frame));
      });
    },
    on(eventName, listener) {
      void connect().catch(() => {});
      const set = listeners.get(eventName) ?? new Set();
      set.add(listener);
      listeners.set(eventName, set);
      return () => set.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
}
