import { BRIDGE_GLOBAL, type ClientFrame, type ServerFrame, type Transport } from '../../shared/api/transport';

/** Electron: the preload's bridge. Browser mode: one WebSocket back to the serving process. */
export function pickTransport(): Transport {
  const bridge = (window as unknown as Record<string, Transport | undefined>)[BRIDGE_GLOBAL];
  if (bridge) return bridge;
  return webSocketTransport();
}

function webSocketTransport(): Transport {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api?token=${encodeURIComponent(token)}`;
  const pending = new Map<number, (envelope: unknown) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: Promise<WebSocket> | undefined;

  const failAll = (message: string): void => {
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'host-unreachable', message } });
    pending.clear();
  };

  const connect = (): Promise<WebSocket> =>
    (socket ??= new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => {
        socket = undefined;
        reject(new Error('Cannot reach the Stasis server. Is "npm run serve" still running? Reload the page with the URL it printed.'));
      };
      ws.onclose = () => {
        socket = undefined;
        failAll('The connection to the Stasis server closed. Reload the page.');
      };
      ws.onmessage = (msg) => {
        const frame = JSON.parse(String(msg.data)) as ServerFrame;
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
  };
}
