import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createClient } from '../../../shared/api/client';
import type { StasisClient } from '../../../shared/api/contract';
import { createDispatch, validatedEmitter } from '../../../shared/api/dispatch';
import { StasisError } from '../../../shared/api/errors';
import { escapeControl } from '../../../shared/text/escape';
import type { Transport } from '../../../shared/api/transport';
import { createAppServices } from '../../services/app-services';
import type { CliIo } from '../command';

/** Options every host-touching command accepts. */
export const HOST_OPTIONS = {
  json: { type: 'boolean' },
  'ssh-config': { type: 'string' },
} as const;

type HostCommandConfig<O> = { args: string[]; allowPositionals: true; strict: true; options: typeof HOST_OPTIONS & O };

/** parseArgs for a command that takes positionals, HOST_OPTIONS and its own `options`; unknown flags are refused. */
export function parseHostCommand<const O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
): ReturnType<typeof parseArgs<HostCommandConfig<O>>> {
  return parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...HOST_OPTIONS, ...options } });
}

export interface CliSession {
  api: StasisClient;
  on(name: string, listener: (payload: unknown) => void): () => void;
}

async function promptHidden(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  process.stderr.write(question);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let value = '';
    const onData = (ch: string) => {
      for (const c of ch) {
        if (c === '\r' || c === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (c === '\u0003') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(undefined);
          return;
        }
        if (c === '\u007f') value = value.slice(0, -1);
        else value += c;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * Runs a command against the same typed API the app uses (inputs and replies validated by the contract).
 * Secrets come from STASIS_SSH_PASSWORD / STASIS_SSH_PASSPHRASE or a no-echo prompt; they are never stored.
 */
export async function withSession<T>(
  values: { 'ssh-config'?: string | undefined },
  hostIds: string[],
  body: (s: CliSession) => Promise<T>,
): Promise<T> {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const emit = validatedEmitter((name, payload) => listeners.get(name)?.forEach((l) => l(payload)));
  const services = createAppServices({ mode: 'browser', emit, ...(values['ssh-config'] ? { sshConfigPath: values['ssh-config'] } : {}) });
  const dispatch = createDispatch(services.handlers);
  const transport: Transport = {
    invoke: (channel, input) => dispatch(channel, input, { caller: 'cli' }),
    on: (name, l) => {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)!.add(l);
      return () => listeners.get(name)?.delete(l);
    },
  };
  const api = createClient(transport);
  const session: CliSession = { api, on: transport.on };
  try {
    for (const h of hostIds) {
      if (h === 'local') continue;
      const pw = process.env['STASIS_SSH_PASSWORD'];
      const pp = process.env['STASIS_SSH_PASSPHRASE'];
      if (pw) await api.hosts.provideSecret({ hostId: h, kind: 'password', secret: pw });
      if (pp) await api.hosts.provideSecret({ hostId: h, kind: 'passphrase', secret: pp });
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await body(session);
      } catch (err) {
        const code = err instanceof StasisError ? err.code : undefined;
        const host = hostIds.find((h) => h !== 'local');
        if (attempt < 2 && host && (code === 'password-needed' || code === 'passphrase-needed')) {
          const kind = code === 'password-needed' ? 'password' : 'passphrase';
          const secret = await promptHidden(`${(err as Error).message}\n${kind} for ${host}: `);
          if (secret) {
            await api.hosts.provideSecret({ hostId: host, kind, secret });
            continue;
          }
        }
        throw err;
      }
    }
  } finally {
    services.close();
  }
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A one-line progress display on stderr (only on a terminal, and never with --json). */
export function progressPrinter(io: CliIo, json: boolean): { update(p: unknown): void; end(): void } {
  const tty = Boolean(process.stderr.isTTY) && !json;
  let shown = false;
  return {
    update(p) {
      if (!tty) return;
      const e = p as { phase: string; bytes: number; elapsedMs: number };
      process.stderr.write(`\r\x1b[K${e.phase} ${mib(e.bytes)} ${(e.elapsedMs / 1000).toFixed(1)} s`);
      shown = true;
    },
    end() {
      if (shown) process.stderr.write('\r\x1b[K');
      void io;
    },
  };
}

/** Columns padded to their widest cell; each cell is one field, so a newline or control character in it is shown escaped. */
export function table(cells: string[][]): string {
  const rows = cells.map((r) => r.map(escapeControl));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}
