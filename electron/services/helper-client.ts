import { existsSync } from 'node:fs';
import { StasisError } from '../../shared/api/errors';
import type { Duplex } from 'node:stream';
import type { CommandRunner, LoopbackListener, RunResult } from './command-runner';
import { HelperLineParser, diagnoseNoVerdict, type HelperProgress } from './helper-protocol';
import { INSTALLED_HELPER, PACKAGED_HELPER, shippedHelper } from './helper-source';

export type HelperVia = 'root' | 'sudo' | 'pkexec';

export interface HelperCallOptions {
  onProgress?: (p: HelperProgress) => void;
  input?: string | Buffer;
  /** Bytes streamed to the verb's stdin with backpressure (a migration's archive). */
  stdin?: AsyncIterable<Uint8Array>;
  timeoutMs?: number;
}

export interface HelperByteStream {
  /** The verb's stdout; throws at the end when the helper did not finish cleanly. */
  bytes: AsyncIterable<Uint8Array>;
  /** Ends the helper early (the reader has what it needs, or gave up). */
  stop(): void;
}

export interface HelperTarget {
  hostId: string;
  /** Words for messages: "this computer", "stasis-a". */
  where: string;
  local: boolean;
  runner: CommandRunner;
}

/**
 * Runs helper verbs on one host with the right elevation, and turns its JSON lines into a value or a
 * StasisError. The version stamp on every answer is compared with the helper this build ships.
 */
export class HelperClient {
  private invocation?: Promise<{ argv: string[]; via: HelperVia }>;

  constructor(private readonly target: HelperTarget) {}

  get hostId(): string {
    return this.target.hostId;
  }

  /** Forget how the helper was reached (after set-up, or a reconnect as another user). */
  reset(): void {
    this.invocation = undefined;
  }

  how(): Promise<{ argv: string[]; via: HelperVia }> {
    if (!this.invocation) {
      this.invocation = this.resolve();
      this.invocation.catch(() => (this.invocation = undefined));
    }
    return this.invocation;
  }

  private async resolve(): Promise<{ argv: string[]; via: HelperVia }> {
    const { runner, local } = this.target;
    const uid = local ? process.getuid?.() : Number((await runner.run(['id', '-u'], { timeoutMs: 15_000 })).stdout.trim());
    if (local && uid === 0) {
      // Already root here: run the copy this build ships, so it can never be outdated.
      return { argv: ['/bin/sh', shippedHelper().path], via: 'root' };
    }
    if (!local) return uid === 0 ? { argv: [INSTALLED_HELPER], via: 'root' } : { argv: ['sudo', '-n', INSTALLED_HELPER], via: 'sudo' };
    const installed = [INSTALLED_HELPER, PACKAGED_HELPER].find((p) => existsSync(p));
    if (!installed) {
      throw new StasisError('helper-missing', 'The Stasis helper is not installed on this computer. Use "Set up this computer" (or install the deb/rpm package).');
    }
    const sudo = await runner.run(['sudo', '-n', '-l', installed], { timeoutMs: 10_000 });
    if (sudo.code === 0) return { argv: ['sudo', '-n', installed], via: 'sudo' };
    const pkexec = await runner.run(['pkexec', '--version'], { timeoutMs: 10_000 });
    if (pkexec.code !== 0) {
      throw new StasisError(
        'permission-denied',
        'Stasis needs root for this and has no way to get it here: sudo does not let you run the Stasis helper without a password, and polkit (pkexec) is not installed. Install polkit, or use "Set up this computer" with the sudo rule.',
        (pkexec.stderr || sudo.stderr).slice(0, 500),
      );
    }
    return { argv: ['pkexec', installed], via: 'pkexec' };
  }

  /**
   * Runs a verb whose stdout is raw bytes (`send`: a tar stream). Before the verb starts streaming it answers in JSON
   * lines like any other, so output that opens with "{" is its refusal, turned into the same StasisError as call()'s.
   */
  async stream(verb: string, args: readonly string[] = [], options: { timeoutMs?: number } = {}): Promise<HelperByteStream> {
    const { runner, where } = this.target;
    if (!runner.stream) throw new StasisError('not-supported', `Stasis cannot stream data from ${where}.`);
    const { argv } = await this.how();
    const run = await runner.stream([...argv, verb, ...args], options);
    const it = run.stdout[Symbol.asyncIterator]();
    const first = await it.next();
    const head = first.done ? undefined : (first.value as Uint8Array);
    if (!head || head[0] === 0x7b) {
      // Not a stream: whatever the helper said instead (or nothing, when it could not be run) is the error.
      const text = [head ? Buffer.from(head).toString('utf8') : ''];
      for (let r = await it.next(); !r.done; r = await it.next()) text.push(Buffer.from(r.value as Uint8Array).toString('utf8'));
      const result = await run.done;
      const parser = new HelperLineParser();
      for (const line of text.join('').split('\n')) parser.line(line);
      const outcome = parser.outcome;
      if (outcome.kind === 'error') throw outcome.error;
      if (result.timedOut) throw new StasisError('timeout', `The Stasis helper on ${where} took too long and was stopped.`);
      throw diagnoseNoVerdict(result.code, result.stderr, where, result.notFound);
    }
    async function* bytes(): AsyncGenerator<Uint8Array> {
      yield head!;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Uint8Array;
      const result = await run.done;
      // A stream cut short (the helper or the connection died) must not pass for a whole archive.
      if (result.code !== 0) {
        throw new StasisError(result.timedOut ? 'timeout' : 'operation-failed', `The data from the Stasis helper on ${where} ended early.`, result.stderr.slice(0, 500));
      }
    }
    return { bytes: bytes(), stop: () => run.stop() };
  }

  /**
   * Like stream(), but the bytes end at the verb's end of output, not at its exit: a verb may close its stdout and go
   * on working (migrate-out stores its checkpoint after the last byte went out). `exit` says how it ended.
   */
  async open(verb: string, args: readonly string[] = [], options: { timeoutMs?: number } = {}): Promise<{ bytes: AsyncIterable<Uint8Array>; exit: Promise<RunResult>; stop(): void }> {
    const { runner, where } = this.target;
    if (!runner.stream) throw new StasisError('not-supported', `Stasis cannot stream data from ${where}.`);
    const { argv } = await this.how();
    const run = await runner.stream([...argv, verb, ...args], options);
    return { bytes: run.stdout, exit: run.done, stop: () => run.stop() };
  }

  /** TCP on this host's loopback (a lazy migration's page traffic), as its runner reaches it. */
  loopback(): { connect(port: number): Promise<Duplex>; listen(): Promise<LoopbackListener> } {
    const { runner, where } = this.target;
    const { connectLoopback, listenLoopback } = runner;
    if (!connectLoopback || !listenLoopback) throw new StasisError('not-supported', `Stasis cannot open TCP connections on ${where}.`);
    return { connect: (port) => connectLoopback.call(runner, port), listen: () => listenLoopback.call(runner) };
  }

  async call(verb: string, args: readonly string[] = [], options: HelperCallOptions = {}): Promise<unknown> {
    const { argv } = await this.how();
    const parser = new HelperLineParser(options.onProgress);
    const r: RunResult = await this.target.runner.run([...argv, verb, ...args], {
      onLine: (l) => parser.line(l),
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.stdin ? { stdin: options.stdin } : {}),
      timeoutMs: options.timeoutMs ?? 30 * 60_000,
    });
    const outcome = parser.outcome;
    if (outcome.kind === 'none') {
      if (r.timedOut) throw new StasisError('timeout', `The Stasis helper on ${this.target.where} took too long and was stopped.`);
      throw diagnoseNoVerdict(r.code, r.stderr, this.target.where, r.notFound);
    }
    const expected = shippedHelper().version;
    if (outcome.version !== expected) {
      throw new StasisError(
        'helper-outdated',
        `The Stasis helper on ${this.target.where} is version ${outcome.version ?? 'unknown'}, but this Stasis needs ${expected}. Use "Set up this host" to update it.`,
      );
    }
    if (outcome.kind === 'error') throw outcome.error;
    return outcome.value;
  }
}
