/**
 * The error type every layer throws, and its codes. Kept free of zod so the image reader and the CLI's fast
 * paths do not load the schema library just to report an error; the schema of the shape is in errors.ts.
 */

/** Machine-readable error codes. The message always tells the user what to do next. */
export const ERROR_CODES = [
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
  /** A container checkpoint would leave out processes started with exec; the caller must allow it. */
  'lost-processes',
  'timeout',
  'corrupt-image',
  'operation-failed',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorShape {
  code: ErrorCode;
  message: string;
  detail?: string;
}

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
