import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Duplex } from 'node:stream';
import ssh2, { type AnyAuthMethod, type AuthenticationType, type ClientChannel, type ParsedKey } from 'ssh2';
import { StasisError } from '../../../shared/api/errors';
import type { SecretKind } from '../../../shared/domain/ssh-host';
import { boundedText, deadline, ended, LineCollector, pumpStdin, readableChunks, shellQuote, type ByteStream, type CommandRunner, type LoopbackListener, type RunOptions, type RunResult } from '../command-runner';
import type { SshTarget } from '../ssh-config';
import { coalescedConnect } from './coalesced-socket';
import { checkHostKey, fingerprint, keyTypeOf, readKnownHosts, type HostKeyVerdict } from './known-hosts';

export type SshStatus = 'ok' | 'unreachable' | 'error' | 'unknown';

export interface SshConnectionDeps {
  /**
   * The password or passphrase entered for one host: the target (`hop` undefined) or the jump host named by its
   * ProxyJump spec. Each is offered only to the host it was entered for, never to every hop on the way.
   */
  secret(kind: SecretKind, hop?: string): string | undefined;
  resolveHop(spec: string): Promise<SshTarget>;
  onStatus?(status: SshStatus, error?: StasisError): void;
}

/** The key a host presented on the last attempt, kept so that "accept" trusts exactly what the user saw. */
export interface PresentedKey {
  host: string;
  port: number;
  key: Buffer;
  verdict: HostKeyVerdict;
}

// ssh2 is CommonJS: its named exports are not visible to Node's ESM loader.
const { Client, utils } = ssh2;
type Client = InstanceType<typeof ssh2.Client>;

const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000];
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

async function loadKeys(target: SshTarget, passphrase: string | undefined): Promise<{ keys: ParsedKey[]; locked: string[] }> {
  const files = target.identityFiles.length ? target.identityFiles : DEFAULT_KEYS.map((k) => path.join(homedir(), '.ssh', k));
  const keys: ParsedKey[] = [];
  const locked: string[] = [];
  for (const f of files) {
    const data = await readFile(f).catch(() => undefined);
    if (!data) continue;
    const parsed = utils.parseKey(data, passphrase);
    if (parsed instanceof Error) {
      if (/encrypted|passphrase/i.test(parsed.message)) locked.push(f);
      continue;
    }
    keys.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  }
  return { keys, locked };
}

function hostKeyError(hostId: string, p: PresentedKey): StasisError {
  const fp = fingerprint(p.key);
  if (p.verdict === 'unknown') {
    return new StasisError(
      'host-key-unknown',
      `${hostId} (${p.host}:${p.port}) is not a known host. Its ${keyTypeOf(p.key)} key fingerprint is ${fp}. Check it with the host's administrator, then accept it (CLI: stasis hosts accept-key ${hostId} ${fp}).`,
      fp,
    );
  }
  return new StasisError(
    'host-key-changed',
    `WARNING: the host key of ${hostId} (${p.host}:${p.port}) has ${p.verdict === 'revoked' ? 'been revoked' : 'changed'} — someone may be intercepting the connection. Stasis refused to connect. If the host was reinstalled, remove its old line from known_hosts and connect again. Presented key: ${fp}.`,
    fp,
  );
}

/** One SSH session to one host (through any ProxyJump hops), running helper commands as a CommandRunner. */
export class SshConnection implements CommandRunner {
  private client?: Client;
  private hops: Client[] = [];
  private connecting?: Promise<Client>;
  private closedByUs = false;
  private attempt = 0;
  private timer?: NodeJS.Timeout;
  presented?: PresentedKey;
  status: SshStatus = 'unknown';

  constructor(
    readonly hostId: string,
    readonly target: SshTarget,
    private readonly deps: SshConnectionDeps,
  ) {}

  private setStatus(s: SshStatus, err?: StasisError): void {
    this.status = s;
    this.deps.onStatus?.(s, err);
  }

  connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (!this.connecting) {
      this.closedByUs = false;
      this.connecting = this.open().then(
        (c) => {
          this.client = c;
          this.connecting = undefined;
          this.attempt = 0;
          this.setStatus('ok');
          return c;
        },
        (err: unknown) => {
          this.connecting = undefined;
          const e = err instanceof StasisError ? err : new StasisError('host-unreachable', `Cannot reach ${this.hostId}: ${String(err)}`);
          this.setStatus(e.code === 'host-unreachable' || e.code === 'timeout' ? 'unreachable' : 'error', e);
          throw e;
        },
      );
    }
    return this.connecting;
  }

  private async open(): Promise<Client> {
    let sock: Duplex | undefined;
    const hops: Client[] = [];
    try {
      const chain = await Promise.all(this.target.proxyJump.map((spec) => this.deps.resolveHop(spec)));
      for (const [i, hop] of chain.entries()) {
        const spec = this.target.proxyJump[i]!;
        const c = await this.openOne(hop, sock, `${this.hostId} (jump host ${spec})`, spec);
        hops.push(c);
        // Each hop forwards to the next one; the last to the target.
        const next = chain[i + 1] ?? this.target;
        sock = await forward(c, next.hostName, next.port);
      }
      const client = await this.openOne(this.target, sock, this.hostId);
      this.hops = hops;
      client.on('close', () => this.onClosed(client));
      return client;
    } catch (err) {
      for (const h of hops) h.end();
      throw err;
    }
  }

  private async openOne(t: SshTarget, sock: Duplex | undefined, label: string, hop?: string): Promise<Client> {
    const known = await readKnownHosts(t.knownHostsFiles);
    const passphrase = this.deps.secret('passphrase', hop);
    const password = this.deps.secret('password', hop);
    const { keys, locked } = await loadKeys(t, passphrase);
    const agentSock = t.identitiesOnly ? undefined : process.env['SSH_AUTH_SOCK'];
    const queue: AnyAuthMethod[] = [];
    if (agentSock) queue.push({ type: 'agent', username: t.user, agent: agentSock });
    for (const key of keys) queue.push({ type: 'publickey', username: t.user, key });
    if (password) {
      queue.push({ type: 'password', username: t.user, password });
      queue.push({
        type: 'keyboard-interactive',
        username: t.user,
        prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)),
      });
    }
    let serverMethods: AuthenticationType[] = [];
    let presented: PresentedKey | undefined;
    const client = new Client();
    return new Promise<Client>((resolve, reject) => {
      let settled = false;
      client.once('ready', () => {
        settled = true;
        resolve(client);
      });
      client.once('error', (err: Error & { level?: string }) => {
        if (settled) return;
        settled = true;
        client.end();
        if (presented && presented.verdict !== 'ok') {
          this.presented = presented;
          reject(hostKeyError(label, presented));
        } else if (err.level === 'client-authentication') {
          reject(authError(label, t, serverMethods, locked, Boolean(passphrase), Boolean(password), hop));
        } else if (err.level === 'client-timeout') {
          reject(new StasisError('timeout', `${label} did not answer in time. Check that it is up and reachable.`, err.message));
        } else {
          reject(new StasisError('host-unreachable', `Cannot reach ${label} (${t.hostName}:${t.port}): ${err.message}.`, err.message));
        }
      });
      client.connect({
        host: t.hostName,
        port: t.port,
        username: t.user,
        // Our own TCP socket (the first hop's or the target's), so that ssh2's many small writes leave together.
        sock: sock ?? coalescedConnect(t.hostName, t.port),
        readyTimeout: 20_000,
        keepaliveInterval: 10_000,
        keepaliveCountMax: 3,
        // ssh2 accepts every key unless told otherwise: check known_hosts like ssh(1) with StrictHostKeyChecking.
        hostVerifier: (key: Buffer) => {
          const verdict = checkHostKey(known, t.hostName, t.port, key);
          presented = { host: t.hostName, port: t.port, key: Buffer.from(key), verdict };
          if (t === this.target) this.presented = presented;
          return verdict === 'ok';
        },
        authHandler: (methodsLeft, _partial, next) => {
          if (methodsLeft) serverMethods = methodsLeft;
          else if (!queue.length) {
            // Nothing to offer: a "none" attempt still tells us what the server would accept (for the error).
            next({ type: 'none', username: t.user });
            return;
          }
          while (queue.length) {
            const m = queue.shift()!;
            if (!methodsLeft || methodsLeft.includes(m.type === 'agent' ? 'publickey' : m.type)) {
              next(m);
              return;
            }
          }
          (next as unknown as (v: false) => void)(false);
        },
      });
    });
  }

  private onClosed(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    for (const h of this.hops) h.end();
    this.hops = [];
    if (this.closedByUs) return;
    this.setStatus('unreachable', new StasisError('host-unreachable', `Lost the connection to ${this.hostId}; reconnecting.`));
    this.scheduleReconnect();
  }

  /** Backs off 1 s, 2 s, 4 s … 30 s; the timer never keeps the process alive on its own. */
  private scheduleReconnect(): void {
    if (this.timer || this.closedByUs) return;
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)]!;
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect().catch((e: StasisError) => {
        if (e.code === 'host-unreachable' || e.code === 'timeout') this.scheduleReconnect();
      });
    }, delay);
    this.timer.unref();
  }

  close(): void {
    this.closedByUs = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.client?.end();
    for (const h of this.hops) h.end();
    this.client = undefined;
    this.hops = [];
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const client = await this.connect();
    return new Promise<RunResult>((resolve, reject) => {
      client.exec(shellQuote(argv), (err, stream: ClientChannel) => {
        if (err) {
          reject(new StasisError('host-unreachable', `${this.hostId} refused to run a command: ${err.message}.`));
          return;
        }
        const out = new LineCollector(options.onLine);
        const dec = new StringDecoder('utf8');
        const errDec = new StringDecoder('utf8');
        let stderr = '';
        const limit = deadline(options.timeoutMs, () => stream.close());
        stream.on('data', (d: Buffer) => out.push(dec.write(d)));
        stream.stderr.on('data', (d: Buffer) => {
          if (stderr.length < 1_000_000) stderr += errDec.write(d);
        });
        let inputError: Error | undefined;
        stream.on('close', (code: number | null) => {
          limit.clear();
          out.push(dec.end());
          out.end();
          const r = ended(code ?? null, out.text, stderr, limit);
          resolve(inputError ? { ...r, inputError } : r);
        });
        if (options.stdin) {
          // The remote program learns of a failed source by a TERM (OpenSSH >= 7.9 delivers it) and the channel closing.
          const abort = () => {
            stream.signal('TERM');
            stream.close();
          };
          pumpStdin(options.stdin, stream, abort).catch((err: Error) => (inputError = err));
        } else {
          stream.end(options.input ?? '');
        }
      });
    });
  }

  async stream(argv: readonly string[], options: { timeoutMs?: number } = {}): Promise<ByteStream> {
    const client = await this.connect();
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      client.exec(shellQuote(argv), (err, ch: ClientChannel) => {
        if (err) reject(new StasisError('host-unreachable', `${this.hostId} refused to run a command: ${err.message}.`));
        else resolve(ch);
      });
    });
    const stderr = boundedText();
    channel.stderr.on('data', (d: Buffer) => stderr.push(d));
    const limit = deadline(options.timeoutMs, () => channel.close());
    const done = new Promise<RunResult>((resolve) => {
      channel.on('close', (code: number | null) => {
        limit.clear();
        resolve(ended(code ?? null, '', stderr.text, limit));
      });
    });
    channel.end();
    return { stdout: readableChunks(channel), done, stop: () => channel.close() };
  }

  async connectLoopback(port: number): Promise<Duplex> {
    const client = await this.connect();
    return new Promise((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, '127.0.0.1', port, (err, stream) => {
        if (err) reject(new StasisError('host-unreachable', `${this.hostId} could not connect to its own port ${port}: ${err.message}. Its sshd may forbid TCP forwarding (AllowTcpForwarding).`));
        else resolve(stream);
      });
    });
  }

  /** sshd listens on 127.0.0.1 of the host (a remote forward); its first connection comes to us as a channel. */
  async listenLoopback(): Promise<LoopbackListener> {
    const client = await this.connect();
    const port = await new Promise<number>((resolve, reject) => {
      client.forwardIn('127.0.0.1', 0, (err, bound) => {
        if (err) reject(new StasisError('host-unreachable', `${this.hostId} refused to listen on a port for Stasis: ${err.message}. Its sshd may forbid TCP forwarding (AllowTcpForwarding).`));
        else resolve(bound);
      });
    });
    let handed = false;
    let first: (d: Duplex) => void = () => undefined;
    const accepted = new Promise<Duplex>((r) => (first = r));
    const close = () => {
      client.off('tcp connection', onConnection);
      client.unforwardIn('127.0.0.1', port, () => undefined);
    };
    const onConnection = (info: { destPort: number }, accept: () => ClientChannel, refuse: () => void) => {
      if (info.destPort !== port) return;
      if (handed) {
        refuse();
        return;
      }
      handed = true;
      close();
      first(accept());
    };
    client.on('tcp connection', onConnection);
    return { port, accept: () => accepted, close };
  }
}

function forward(client: Client, host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
      if (err) reject(new StasisError('host-unreachable', `The jump host could not reach ${host}:${port}: ${err.message}.`));
      else resolve(stream);
    });
  });
}

function authError(label: string, t: SshTarget, methods: AuthenticationType[], locked: string[], hadPassphrase: boolean, hadPassword: boolean, hop?: string): StasisError {
  if (hop !== undefined && !hadPassword && !hadPassphrase && (locked.length || methods.includes('password') || methods.includes('keyboard-interactive'))) {
    // What the user enters for the target is never offered to a jump host: the hop's secret is entered for the hop.
    return new StasisError(
      'auth-failed',
      `The jump host ${hop} of ${label.split(' ')[0]} wants a ${locked.length ? `passphrase for ${locked[0]}` : `password for ${t.user}`}. Stasis offers a secret only to the host it was entered for: add ${hop} as a host, connect to it once and enter it there, or log in to it with a key or ssh-agent.`,
    );
  }
  if (locked.length && !hadPassphrase) {
    return new StasisError(
      'passphrase-needed',
      `The key ${locked[0]} for ${label} is encrypted. Enter its passphrase (CLI: set STASIS_SSH_PASSPHRASE or answer the prompt); it stays in memory, and is stored (encrypted with your keyring) only if you tick Remember in the desktop app.`,
      locked.join(', '),
    );
  }
  // A key the given passphrase did not open is the reason, not the password the server would also take:
  // same code as above, so that the app and the CLI ask for the passphrase again.
  if (locked.length) {
    return new StasisError(
      'passphrase-needed',
      `The passphrase given for the key ${locked[0]} (${label}) is wrong: it does not unlock the key. Enter it again (CLI: set STASIS_SSH_PASSPHRASE or answer the prompt).`,
      locked.join(', '),
    );
  }
  if (!hadPassword && (methods.includes('password') || methods.includes('keyboard-interactive'))) {
    return new StasisError(
      'password-needed',
      `${label} wants a password for ${t.user}. Enter it (CLI: set STASIS_SSH_PASSWORD or answer the prompt); it stays in memory, and is stored (encrypted with your keyring) only if you tick Remember in the desktop app.`,
    );
  }
  return new StasisError(
    'auth-failed',
    `${label} refused every login method for ${t.user} (${methods.join(', ') || 'none offered'}). Check the user, key (ssh-agent or IdentityFile) or password.`,
  );
}
