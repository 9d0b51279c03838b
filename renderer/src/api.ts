import { createClient, onEvent } from '../../shared/api/client';
import type { Events } from '../../shared/api/contract';
import type { EventPayload } from '../../shared/api/define';
import { pickTransport } from './transport';

const transport = pickTransport();

/** The renderer's only way to the main side: the typed contract. */
export const api = createClient(transport);

export function subscribe<K extends keyof Events & string>(name: K, listener: (p: EventPayload<Events, K>) => void): () => void {
  return onEvent(transport, name, listener);
}
