import type { z } from 'zod';

/** A request: validated input in, validated output back (inside an Envelope). */
export interface RequestDef<I extends z.ZodType, O extends z.ZodType> {
  readonly kind: 'request';
  readonly input: I;
  readonly output: O;
}

/** An event pushed from the main side to every renderer that listens. */
export interface EventDef<P extends z.ZodType> {
  readonly kind: 'event';
  readonly payload: P;
}

export function request<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): RequestDef<I, O> {
  return { kind: 'request', input, output };
}

export function event<P extends z.ZodType>(payload: P): EventDef<P> {
  return { kind: 'event', payload };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the widest request, for constraints only
export type AnyRequest = RequestDef<any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the widest event, for constraints only
export type AnyEvent = EventDef<any>;

/** Requests grouped by domain: `{ hosts: { list: request(...) } }`. */
export type RequestGroups = Record<string, Record<string, AnyRequest>>;
export type EventMap = Record<string, AnyEvent>;

/** Channel names are derived from the contract and never written by hand. */
export type RequestChannel<R extends RequestGroups> = {
  [G in keyof R & string]: `${G}.${keyof R[G] & string}`;
}[keyof R & string];


export function requestChannels<R extends RequestGroups>(groups: R): RequestChannel<R>[] {
  const out: string[] = [];
  for (const [group, defs] of Object.entries(groups)) {
    for (const name of Object.keys(defs)) out.push(`${group}.${name}`);
  }
  return out.sort() as RequestChannel<R>[];
}

export function lookupRequest(groups: RequestGroups, channel: string): AnyRequest | undefined {
  const dot = channel.indexOf('.');
  if (dot < 0) return undefined;
  const group = channel.slice(0, dot);
  const name = channel.slice(dot + 1);
  if (!Object.hasOwn(groups, group)) return undefined;
  const defs = groups[group];
  return defs && Object.hasOwn(defs, name) ? defs[name] : undefined;
}

/** The typed API a client sees: one async function per request. Errors arrive as thrown `ApiError`s. */
export type ClientOf<R extends RequestGroups> = {
  [G in keyof R]: {
    [M in keyof R[G]]: (input: z.input<R[G][M]['input']>) => Promise<z.output<R[G][M]['output']>>;
  };
};

/** What the main side implements: one async function per request, given validated input. */
export type HandlersOf<R extends RequestGroups, Ctx> = {
  [G in keyof R]: {
    [M in keyof R[G]]: (input: z.output<R[G][M]['input']>, ctx: Ctx) => Promise<z.input<R[G][M]['output']>>;
  };
};

export type EventPayload<E extends EventMap, K extends keyof E> = z.output<E[K]['payload']>;
