import { spawn } from 'node:child_process';
import { createConnection, createServer, type Socket } from 'node:net';
import type { Duplex, Readable } from 'node:stream';

export interface RunOptions {
  /** Called with each complete stdout line as it arrives (progress events). */
  onLine?: (line: string) => void;
  /** Data for stdin. */
  input?: string | Buffer;
  /**
   * Bytes streamed to stdin at the program's pace (backpressure: the next chunk is pulled only when the last one was
   * taken). When the source throws, the program is stopped and the result carries `inputError`. Wins over `input`.
   */
  stdin?: AsyncIterable<Uint8Array>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  /** Exit code, or null when the program could not start or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  notFound?: boolean;
  timedOut?: boolean;
  /** Set when the `stdin` source failed; the program was stopped and its result says little. */
  inputError?: Error;
}

/** A running program whose stdout is read as bytes, at the reader's pace. */
export interface ByteStream {
  /** stdout as it arrives; iterate once. Breaking off the loop does not stop the program: call stop(). */
  stdout: AsyncIterable<Uint8Array>;
  /** The exit code and stderr (stdout is not collected), once the program has ended. */
  done: Promise<RunResult>;
  stop(): void;
}

/** A port listening on a host's 127.0.0.1 whose first connection is handed over (the rest are refused). */
export interface LoopbackListener {
  port: number;
  accept(): Promise<Duplex>;
  close(): void;
}

/** Runs one program with an argument list somewhere: on this computer or on an SSH host. */
export interface CommandRunner {
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** For output too large to collect (a checkpoint archive); runners without it cannot stream. */
  stream?(argv: readonly string[], options?: { timeoutMs?: number }): Promise<ByteStream>;
  /**
   * TCP on that host's loopback, for a lazy migration's page traffic: a connection to 127.0.0.1:port there, and a
   * listener on an ephemeral port there (SSH port forwarding on SSH hosts, so nothing listens on a network).
   */
  connectLoopback?(port: number): Promise<Duplex>;
  listenLoopback?(): Promise<LoopbackListener>;
}

/** Where `pumpStdin` writes: a child's stdin or an SSH channel. */
export interface StdinSink {
  write(chunk: Uint8Array): boolean;
  end(): void;
  once(event: 'drain' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  off(event: 'drain' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  readonly destroyed?: boolean;
}

function drained(sink: StdinSink): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      sink.off('drain', onDrain);
      sink.off('close', onClose);
      sink.off('error', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    sink.once('drain', onDrain);
    sink.once('close', onClose);
    sink.once('error', onClose);
  });
}

/**
 * Copies `source` into `sink` with backpressure and ends it. Resolves when all was written or the program stopped
 * reading (it closed its stdin: its own result says why); rejects with the source's error, after calling `abort`.
 */
export async function pumpStdin(source: AsyncIterable<Uint8Array>, sink: StdinSink, abort: () => void): Promise<void> {
  try {
    for await (const chunk of source) {
      if (sink.destroyed) return;
      if (!sink.write(chunk) && !(await drained(sink))) return;
    }
    sink.end();
  } catch (err) {
    abort();
    throw err;
  }
}

/**
 * A readable's chunks one by one, as they came. A Readable's own async iterator re-joins everything buffered into one
 * new Buffer on every step; relaying a migration's 256 MiB over SSH that copy and its garbage were a fifth of the
 * relay's CPU (bench/migrate.bench.ts profile). The source is paused while `maxQueued` chunks wait for the reader.
 */
export function readableChunks(stream: Readable, maxQueued = 64): AsyncIterable<Uint8Array> {
  const queue: Uint8Array[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.on('data', (chunk: Uint8Array) => {
    queue.push(chunk);
    if (queue.length >= maxQueued) stream.pause();
    notify();
  });
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('close', () => {
    ended = true;
    notify();
  });
  stream.on('error', (err: unknown) => {
    failure = err;
    notify();
  });
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
          if (queue.length < maxQueued / 2 && stream.isPaused()) stream.resume();
          yield chunk;
          continue;
        }
        if (failure) throw failure;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

/** Collects a stream's stderr, bounded. */
export function boundedText(max = 1_000_000): { push(d: Buffer | string): void; readonly text: string } {
  let text = '';
  return {
    push(d) {
      if (text.length < max) text += String(d);
    },
    get text() {
      return text;
    },
  };
}

const MAX_OUTPUT = 32 * 1024 * 1024;

/** Splits a byte stream into lines for `onLine`, keeping the whole text (bounded) for the result. */
export class LineCollector {
  text = '';
  // The pieces of the line not yet ended. Joined only when its newline comes: a helper's reply can be one line of
  // megabytes (`images`), and re-joining and re-splitting it on every 64 KiB chunk was quadratic (seconds).
  private partial: string[] = [];
  constructor(private readonly onLine?: (line: string) => void) {}
  push(chunk: string): void {
    if (this.text.length < MAX_OUTPUT) this.text += chunk;
    if (!this.onLine) return;
    let from = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
      this.partial.push(chunk.slice(from, nl));
      this.onLine(this.partial.join(''));
      this.partial = [];
      from = nl + 1;
    }
    if (from < chunk.length) this.partial.push(chunk.slice(from));
  }
  end(): void {
    const rest = this.partial.join('');
    if (rest && this.onLine) this.onLine(rest);
    this.partial = [];
  }
}

/** Stops a program that runs past its time; `fired` then says so. */
export function deadline(timeoutMs: number | undefined, stop: () => void): { readonly fired: boolean; clear(): void } {
  let fired = false;
  const timer = timeoutMs
    ? setTimeout(() => {
        fired = true;
        stop();
      }, timeoutMs)
    : undefined;
  return {
    get fired() {
      return fired;
    },
    clear: () => clearTimeout(timer),
  };
}

/** The result of a program that has closed: one stopped by its deadline has no exit code. */
export function ended(code: number | null, stdout: string, stderr: string, limit: { readonly fired: boolean }): RunResult {
  return limit.fired ? { code: null, stdout, stderr, timedOut: true } : { code, stdout, stderr };
}

export const localRunner: CommandRunner = {
  run(argv, options = {}) {
    return new Promise((resolve) => {
      const [file, ...args] = argv;
      if (!file) throw new Error('localRunner: empty argv');
      const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
      const out = new LineCollector(options.onLine);
      let stderr = '';
      const limit = deadline(options.timeoutMs, () => child.kill('SIGKILL'));
      const onAbort = () => child.kill('SIGTERM');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.setEncoding('utf8').on('data', (d: string) => out.push(d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        if (stderr.length < MAX_OUTPUT) stderr += d;
      });
      let inputError: Error | undefined;
      const done = (r: RunResult) => {
        limit.clear();
        options.signal?.removeEventListener('abort', onAbort);
        resolve(inputError ? { ...r, inputError } : r);
      };
      child.on('error', (err: NodeJS.ErrnoException) => done({ code: null, stdout: out.text, stderr: err.message, notFound: err.code === 'ENOENT' }));
      child.on('close', (code) => {
        out.end();
        done(ended(code, out.text, stderr, limit));
      });
      child.stdin.on('error', () => {});
      if (options.stdin) {
        pumpStdin(options.stdin, child.stdin, () => child.kill('SIGTERM')).catch((err: Error) => (inputError = err));
      } else {
        child.stdin.end(options.input ?? '');
      }
    });
  },
  async stream(argv, options = {}) {
    const [file, ...args] = argv;
    if (!file) throw new Error('localRunner: empty argv');
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const stderr = boundedText();
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    const limit = deadline(options.timeoutMs, () => child.kill('SIGKILL'));
    const done = new Promise<RunResult>((resolve) => {
      child.on('error', (err: NodeJS.ErrnoException) => {
        limit.clear();
        resolve({ code: null, stdout: '', stderr: err.message, notFound: err.code === 'ENOENT' });
      });
      child.on('close', (code) => {
        limit.clear();
        resolve(ended(code, '', stderr.text, limit));
      });
    });
    // Our ends of the pipes go too: a program the helper started (tar of a checkpoint) may hold them after the helper
    // is gone, and 'close' (which clears the deadline's timer) waits for every pipe.
    const stop = (): void => {
      child.kill('SIGTERM');
      child.stdout.destroy();
      child.stderr.destroy();
    };
    return { stdout: readableChunks(child.stdout), done, stop };
  },
  connectLoopback(port) {
    return new Promise<Duplex>((resolve, reject) => {
      const sock = createConnection({ host: '127.0.0.1', port }, () => {
        sock.off('error', reject);
        resolve(sock);
      });
      sock.once('error', reject);
    });
  },
  listenLoopback() {
    return new Promise<LoopbackListener>((resolve, reject) => {
      let handed = false;
      let first: (s: Socket) => void = () => undefined;
      const accepted = new Promise<Socket>((r) => (first = r));
      const server = createServer((s) => {
        if (handed) {
          s.destroy();
          return;
        }
        handed = true;
        server.close();
        first(s);
      });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        if (!addr || typeof addr === 'string') {
          reject(new Error('listenLoopback: no port'));
          return;
        }
        resolve({ port: addr.port, accept: () => accepted, close: () => server.close() });
      });
    });
  },
};

/** POSIX single-quoting for the one place a command line must be a string: an SSH exec request. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./=:@,+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
