/** The one thing a renderer needs from its host (Electron preload or browser-mode WebSocket). */
export interface Transport {
  /** Sends a request; resolves to the raw envelope, which the client validates. */
  invoke(channel: string, input: unknown): Promise<unknown>;
  /** Subscribes to a pushed event; returns the unsubscribe function. */
  on(eventName: string, listener: (payload: unknown) => void): () => void;
}

/** The object the Electron preload exposes on `window`. */
export const BRIDGE_GLOBAL = 'stasisBridge';

/** Browser mode's WebSocket frames. */
export type ClientFrame = { type: 'invoke'; id: number; channel: string; input: unknown };
export type ServerFrame =
  | { type: 'result'; id: number; envelope: unknown }
  | { type: 'event'; name: string; payload: unknown };
