import { spawn } from 'node:child_process';
import { pumpStdin } from './command-runner';

export interface ExecResult {
  /** Exit code, or null when the command could not start or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the program does not exist on this host. */
  notFound?: boolean;
  timedOut?: boolean;
}

export interface ExecOptions {
  timeoutMs?: number;
  input?: string;
  /** Streamed to stdin with backpressure instead of `input` (see command-runner's pumpStdin). */
  stdin?: AsyncIterable<Uint8Array>;
}

/** Runs one program with an argument list (never a shell string) somewhere: locally or on an SSH host. */
export type Exec = (argv: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

const MAX_OUTPUT = 16 * 1024 * 1024;

export const localExec: Exec = (argv, options = {}) =>
  new Promise((resolve) => {
    const [file, ...args] = argv;
    if (!file) throw new Error('localExec: empty argv');
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d;
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: err.message, notFound: err.code === 'ENOENT' });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(timedOut ? { code: null, stdout, stderr, timedOut } : { code, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    if (options.stdin) pumpStdin(options.stdin, child.stdin, () => child.kill('SIGTERM')).catch(() => undefined);
    else child.stdin.end(options.input ?? '');
  });
