import { StasisError } from '../../shared/api/errors';

/**
 * Failures whose cause is in the runtime's own words (the helper passes its last lines as the detail), turned into a
 * message that says what to change. The runtime's words stay in the detail, which the app shows under the field.
 */
const KNOWN: Array<{ re: RegExp; message: (m: RegExpExecArray) => string }> = [
  {
    // podman: the container name "x" is already in use by …; docker: Conflict. The container name "/x" is already in use
    re: /container name "\/?([^"]{1,128})" is already in use/,
    message: (m) => `A container named "${m[1]}" already exists on this host: the name is already in use. Choose another name, or remove that container first.`,
  },
];

export function inRuntimeWords(err: unknown): unknown {
  // Only the runtime's own words (the detail) are read, whatever code the failure was given.
  if (!(err instanceof StasisError) || !err.detail) return err;
  for (const k of KNOWN) {
    const m = k.re.exec(err.detail);
    if (m) return new StasisError('bad-request', k.message(m), err.detail);
  }
  return err;
}

/** Runs an operation and rewrites a known runtime failure (see KNOWN); anything else passes unchanged. */
export async function withRuntimeWords<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw inRuntimeWords(err);
  }
}
