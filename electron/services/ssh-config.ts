import { readFile, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import SSHConfig from 'ssh-config';
import type { SshConfigHost } from '../../shared/domain/host';

/** ssh(1) limits Include nesting to 16; so do we, which also stops include loops. */
const MAX_INCLUDE_DEPTH = 16;

export function defaultSshConfigPath(): string {
  return path.join(homedir(), '.ssh', 'config');
}

function valueOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((p: { val: string }) => p.val).join(' ');
  return '';
}

function expandTilde(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(homedir(), p.slice(1)) : p;
}

/** Shell-style glob for Include paths: `*` and `?` within one path component. */
async function globFiles(pattern: string): Promise<string[]> {
  const parts = pattern.split('/');
  let bases = [pattern.startsWith('/') ? '/' : '.'];
  for (const part of parts) {
    if (!part) continue;
    if (!/[*?[]/.test(part)) {
      bases = bases.map((b) => path.join(b, part));
      continue;
    }
    const re = new RegExp(`^${part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    const next: string[] = [];
    for (const b of bases) {
      const names = await readdir(b).catch(() => [] as string[]);
      for (const n of names.sort()) if (re.test(n)) next.push(path.join(b, n));
    }
    bases = next;
  }
  return bases;
}

/**
 * Reads an ssh config with every `Include` expanded in place (the ssh-config library does not follow them).
 * Relative Include paths are relative to ~/.ssh, as ssh(1) does for user configs.
 */
export async function readExpandedSshConfig(file: string, depth = 0): Promise<{ text: string; sources: Map<string, string> }> {
  const sources = new Map<string, string>();
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*Include\s+(.+?)\s*$/i.exec(line);
    if (!m || depth >= MAX_INCLUDE_DEPTH) {
      out.push(line);
      const host = /^\s*Host\s+(.+?)\s*$/i.exec(line);
      if (host) for (const alias of host[1]!.split(/\s+/)) if (!sources.has(alias)) sources.set(alias, file);
      continue;
    }
    for (const raw of m[1]!.split(/\s+/)) {
      const p = expandTilde(raw);
      const abs = path.isAbsolute(p) ? p : path.join(homedir(), '.ssh', p);
      for (const inc of await globFiles(abs)) {
        const sub = await readExpandedSshConfig(inc, depth + 1);
        out.push(sub.text);
        for (const [k, v] of sub.sources) if (!sources.has(k)) sources.set(k, v);
      }
    }
  }
  return { text: out.join('\n'), sources };
}

/** The concrete hosts named in an ssh config (wildcard patterns and negations are not hosts). */
export async function listSshConfigHosts(file = defaultSshConfigPath()): Promise<SshConfigHost[]> {
  const { text, sources } = await readExpandedSshConfig(file);
  const config = SSHConfig.parse(text);
  const aliases: string[] = [];
  for (const line of config) {
    if (!('param' in line) || line.param.toLowerCase() !== 'host') continue;
    for (const alias of valueOf(line.value).split(/\s+/)) {
      if (alias && !/[*?!]/.test(alias) && !aliases.includes(alias)) aliases.push(alias);
    }
  }
  return aliases.map((alias) => {
    // matchExec: false — `Match exec` would run arbitrary commands from the config file.
    const c = config.compute(alias, { matchExec: false, ignoreCase: true }) as Record<string, string | string[]>;
    const one = (k: string): string | undefined => {
      const v = c[k];
      return Array.isArray(v) ? v[0] : v;
    };
    const port = Number(one('port'));
    const identity = c['identityfile'];
    return {
      alias,
      ...(one('hostname') ? { hostName: one('hostname') } : {}),
      ...(one('user') ? { user: one('user') } : {}),
      ...(Number.isInteger(port) && port > 0 ? { port } : {}),
      ...(identity ? { identityFile: (Array.isArray(identity) ? identity : [identity]).map(expandTilde) } : {}),
      ...(one('proxyjump') ? { proxyJump: one('proxyjump') } : {}),
      source: sources.get(alias) ?? file,
    };
  });
}

/** Everything needed to connect to one host, as ssh(1) would compute it from the config. */
export interface SshTarget {
  alias: string;
  hostName: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** IdentitiesOnly: use only the configured keys, not the agent's other keys. */
  identitiesOnly: boolean;
  knownHostsFiles: string[];
  /** ProxyJump hops, first to last ([user@]host[:port] or aliases); empty for a direct connection. */
  proxyJump: string[];
}

function defaultUser(): string {
  return process.env['USER'] ?? process.env['LOGNAME'] ?? (process.getuid?.() === 0 ? 'root' : 'root');
}

/** Computes a host's settings (`Match exec` is never run). A name the config does not mention still resolves. */
export async function resolveSshTarget(file: string, alias: string): Promise<SshTarget> {
  const { text } = await readExpandedSshConfig(file);
  const config = SSHConfig.parse(text);
  const c = config.compute(alias, { matchExec: false, ignoreCase: true }) as Record<string, string | string[]>;
  const one = (k: string): string | undefined => {
    const v = c[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const many = (k: string): string[] => {
    const v = c[k];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
  const port = Number(one('port') ?? 22);
  const jump = one('proxyjump');
  const known = many('userknownhostsfile').flatMap((v) => v.split(/\s+/)).filter((v) => v && v !== 'none');
  return {
    alias,
    hostName: one('hostname') ?? alias,
    port: Number.isInteger(port) && port > 0 ? port : 22,
    user: one('user') ?? defaultUser(),
    identityFiles: many('identityfile').map(expandTilde),
    identitiesOnly: /^yes$/i.test(one('identitiesonly') ?? ''),
    knownHostsFiles: (known.length ? known : ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']).map(expandTilde),
    proxyJump: jump && !/^none$/i.test(jump) ? jump.split(',').map((s) => s.trim()).filter(Boolean) : [],
  };
}

/** A ProxyJump hop `[user@]host[:port]`: an alias from the config, or a literal address. */
export async function resolveJumpHop(file: string, spec: string): Promise<SshTarget> {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec);
  if (!m) throw new Error(`Cannot read the ProxyJump hop "${spec}".`);
  const host = m[2]!.replace(/^\[|\]$/g, '');
  const t = await resolveSshTarget(file, host);
  // A hop inherits no further ProxyJump of its own here: the chain is given in full by the target's ProxyJump.
  return { ...t, ...(m[1] ? { user: m[1] } : {}), ...(m[3] ? { port: Number(m[3]) } : {}), proxyJump: [] };
}
