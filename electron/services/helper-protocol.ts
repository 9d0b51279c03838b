import { z } from 'zod';
import { ErrorCode, StasisError } from '../../shared/api/errors';

const ProgressLine = z.object({ event: z.literal('progress'), phase: z.string(), bytes: z.number() });
const ResultLine = z.object({ result: z.unknown(), v: z.string().optional() });
const ErrorLine = z.object({
  error: z.object({ code: z.string(), message: z.string(), detail: z.string().optional() }),
  v: z.string().optional(),
});

export interface HelperProgress {
  phase: string;
  bytes: number;
}

export type HelperOutcome =
  | { kind: 'result'; value: unknown; version?: string }
  | { kind: 'error'; error: StasisError; version?: string }
  | { kind: 'none' };

/** Reads the helper's JSON lines incrementally: progress goes to the callback, the last result or error wins. */
export class HelperLineParser {
  outcome: HelperOutcome = { kind: 'none' };
  constructor(private readonly onProgress?: (p: HelperProgress) => void) {}

  line(raw: string): void {
    const text = raw.trim();
    if (!text.startsWith('{')) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const progress = ProgressLine.safeParse(json);
    if (progress.success) {
      this.onProgress?.({ phase: progress.data.phase, bytes: progress.data.bytes });
      return;
    }
    const err = ErrorLine.safeParse(json);
    if (err.success) {
      const code = ErrorCode.safeParse(err.data.error.code);
      const detail = err.data.error.detail || undefined;
      const error =
        err.data.error.code === 'runtime-failed'
          ? classifyRuntimeFailure(err.data.error.message, detail ?? '')
          : new StasisError(code.success ? code.data : 'operation-failed', err.data.error.message, detail);
      this.outcome = { kind: 'error', error, ...(err.data.v ? { version: err.data.v } : {}) };
      return;
    }
    const res = ResultLine.safeParse(json);
    if (res.success && 'result' in (json as object)) {
      this.outcome = { kind: 'result', value: res.data.result, ...(res.data.v ? { version: res.data.v } : {}) };
    }
  }
}

/** What went wrong when the helper printed no verdict at all: not there, sudo refused, or it crashed. */
export function diagnoseNoVerdict(code: number | null, stderr: string, where: string, notFound?: boolean): StasisError {
  const s = stderr.trim();
  if (/password is required|terminal is required|askpass/i.test(s)) {
    return new StasisError(
      'sudo-needs-password',
      `sudo on ${where} wants a password for the Stasis helper. Use "Set up this host" with the sudoers option, or allow it yourself: "<user> ALL=(root) NOPASSWD: /usr/local/libexec/stasis/stasis-helper".`,
      s.slice(0, 500),
    );
  }
  if (/not allowed to execute|not in the sudoers|may not run sudo/i.test(s)) {
    return new StasisError(
      'permission-denied',
      `This user may not run the Stasis helper as root on ${where}. Use "Set up this host" with the sudoers option, or log in as a user who may.`,
      s.slice(0, 500),
    );
  }
  if (notFound || code === 127 || /No such file|not found/i.test(s)) {
    return new StasisError(
      'helper-missing',
      `The Stasis helper is not installed on ${where}. Use "Set up this host" (CLI: stasis hosts setup HOST) to install it.`,
      s.slice(0, 500),
    );
  }
  if (code === 126) {
    return new StasisError('permission-denied', `Authorization for the Stasis helper on ${where} was refused or dismissed.`, s.slice(0, 500));
  }
  return new StasisError('operation-failed', `The Stasis helper on ${where} stopped without an answer (exit ${code ?? 'signal'}).`, s.slice(-2000));
}

/**
 * The helper reports a failed runtime (podman, docker, criu) as `runtime-failed` with what it ran and the runtime's
 * last words; what those words mean, and what the user can do, is decided here rather than in root code.
 */
export function classifyRuntimeFailure(what: string, lastWords: string): StasisError {
  const w = lastWords;
  const detail = w || undefined;
  if (/not support.*checkpoint|does not support|CRIU.*not.*installed|checkpoint\/restore.*not/s.test(w)) {
    return new StasisError(
      'runtime-cannot-checkpoint',
      `${what}: the container runtime cannot checkpoint. Use runc with CRIU 4 (podman: runtime = "runc"; Docker: experimental mode).`,
      detail,
    );
  }
  if (/missing features|pre-dump|dirty/.test(w)) {
    return new StasisError('not-supported', `${what}: this kernel does not track dirty memory, so pre-checkpoints are not possible here.`, detail);
  }
  if (/no such container/i.test(w)) return new StasisError('not-found', `${what}: the container no longer exists.`, detail);
  return new StasisError('operation-failed', `${what} failed. See the detail for the runtime's last words.`, detail);
}
