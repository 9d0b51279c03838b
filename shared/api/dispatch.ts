import { fail, ok, type Envelope } from './envelope';
import { StasisError, toErrorShape } from './errors';
import { lookupRequest } from './define';
import { events, requests, type Events, type StasisHandlers } from './contract';
import type { EventPayload } from './define';

export type Dispatch<Ctx> = (channel: string, rawInput: unknown, ctx: Ctx) => Promise<Envelope<unknown>>;

/**
 * Turns handlers into one entry point shared by Electron IPC and the WebSocket server:
 * unknown channels and invalid input are refused before any handler runs.
 */
export function createDispatch<Ctx>(handlers: StasisHandlers<Ctx>): Dispatch<Ctx> {
  const table = handlers as unknown as Record<string, Record<string, (i: unknown, c: Ctx) => Promise<unknown>>>;
  return async (channel, rawInput, ctx) => {
    const def = lookupRequest(requests, channel);
    if (!def) return fail({ code: 'bad-request', message: `Unknown request "${String(channel).slice(0, 80)}".` });
    const input = def.input.safeParse(rawInput ?? {});
    if (!input.success) {
      return fail({ code: 'bad-request', message: `Invalid input for ${channel}: ${input.error.issues[0]?.message ?? 'rejected'}.` });
    }
    const [group, name] = channel.split('.', 2) as [string, string];
    try {
      const value = await table[group]![name]!(input.data, ctx);
      const out = def.output.safeParse(value);
      if (!out.success) throw new StasisError('internal', `The ${channel} handler produced an invalid reply.`, out.error.message);
      return ok(out.data);
    } catch (err) {
      return fail(toErrorShape(err));
    }
  };
}

/** Validated event emission: the main side cannot push a payload the contract does not describe. */
export type EmitEvent = <K extends keyof Events & string>(name: K, payload: EventPayload<Events, K>) => void;

export function validatedEmitter(send: (name: string, payload: unknown) => void): EmitEvent {
  return (name, payload) => {
    const parsed = events[name].payload.parse(payload);
    send(name, parsed);
  };
}
