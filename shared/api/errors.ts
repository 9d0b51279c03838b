import { z } from 'zod';
import { ERROR_CODES, type ApiErrorShape as ErrorShape } from './stasis-error';

export { StasisError, toErrorShape, ERROR_CODES } from './stasis-error';

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  detail: z.string().optional(),
});
export type ApiErrorShape = ErrorShape;

// Compile-time: the schema and the plain type describe the same shape.
type Same<A extends B, B> = A;
export type ShapeMatches = Same<z.infer<typeof ApiErrorShape>, ErrorShape> | Same<ErrorShape, z.infer<typeof ApiErrorShape>>;
