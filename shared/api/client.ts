import { EnvelopeSchema } from './envelope';
import { StasisError, ApiErrorShape, type ErrorCode } from './errors';
import { events, requests, type Events, type StasisClient } from './contract';
import type { EventPayload } from './define';
import type { Transport } from './transport';

/** Raised on the client side for an error envelope; carries the main side's code and message. */
export class ApiError extends StasisError {
  constructor(code: ErrorCode, message: string, detail?: string) {
    super(code, message, detail);
    this.name = 'ApiError';
  }
}

export function createClient(transport: Transport): StasisClient {
  const client: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const [group, defs] of Object.entries(requests)) {
    const methods: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, def] of Object.entries(defs)) {
      const channel = `${group}.${name}`;
      methods[name] = async (input: unknown) => {
        const raw = await transport.invoke(channel, input);
        const env = EnvelopeSchema.safeParse(raw);
        if (!env.success) throw new ApiError('internal', `Malformed reply on ${channel}.`);
        if (!env.data.ok) {
          const e = ApiErrorShape.parse(env.data.error);
          throw new ApiError(e.code, e.message, e.detail);
        }
        const out = def.output.safeParse(env.data.value);
        if (!out.success) throw new ApiError('internal', `Unexpected reply shape on ${channel}.`, out.error.message);
        return out.data;
      };
    }
    client[group] = methods;
  }
  return client as unknown as StasisClient;
}

/** Typed event subscription; payloads that fail validation are dropped, not delivered half-formed. */
export function onEvent<K extends keyof Events & string>(
  transport: Transport,
  name: K,
  listener: (payload: EventPayload<Events, K>) => void,
): () => void {
  const schema = events[name].payload;
  return transport.on(name, (payload) => {
    const parsed = schema.safeParse(payload);
    if (parsed.success) listener(parsed.data as EventPayload<Events, K>);
  });
}
