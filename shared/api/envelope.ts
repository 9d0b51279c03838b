import { z } from 'zod';
import { ApiErrorShape } from './errors';

/** Every response crosses the boundary in this envelope, so the renderer sees real error codes and messages. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };

export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorShape }),
]);

export function ok<T>(value: T): Envelope<T> {
  return { ok: true, value };
}

export function fail(error: ApiErrorShape): Envelope<never> {
  return { ok: false, error };
}
