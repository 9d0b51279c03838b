import { z } from 'zod';

/** Machine-readable error codes. The message always tells the user what to do next. */
export const ErrorCode = z.enum([
  'bad-request',
  'not-found',
  'not-supported',
  'permission-denied',
  'helper-missing',
  'helper-outdated',
  'sudo-needs-password',
  'criu-missing',
  'criu-too-old',
  'runtime-cannot-checkpoint',
  'host-unreachable',
  'host-key-unknown',
  'host-key-changed',
  'auth-failed',
  'password-needed',
  'passphrase-needed',
  'busy',
  'cancelled',
  'timeout',
  'corrupt-image',
  'operation-failed',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  detail: z.string().optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;

/** The one error type that crosses layers; anything else becomes `internal`. */
export class StasisError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'StasisError';
  }

  toShape(): ApiErrorShape {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

export function toErrorShape(err: unknown): ApiErrorShape {
  if (err instanceof StasisError) return err.toShape();
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'internal',
    message: 'Stasis hit an unexpected error. Please report it with the detail below.',
    detail: message,
  };
}
