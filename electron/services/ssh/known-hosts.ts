import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type HostKeyVerdict = 'ok' | 'unknown' | 'changed' | 'revoked';

/** The name ssh(1) looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH's fingerprint format: SHA256 of the key blob, base64 without padding. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type is the first string inside an SSH wire-format public key blob. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const n = keyBlob.readUInt32BE(0);
  return n > 0 && n < 64 && keyBlob.length >= 4 + n ? keyBlob.subarray(4, 4 + n).toString('latin1') : 'unknown';
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

function hashedMatch(entry: string, name: string): boolean {
  const [, magic, salt, hash] = entry.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const h = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return h === hash;
}

/** Whether a known_hosts host field (comma list, wildcards, negations, hashed) names this host. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatch(field, name);
  let matched = false;
  for (const p of field.split(',')) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) matched = true;
  }
  return matched;
}

export interface KnownHostLine {
  marker?: '@revoked' | '@cert-authority';
  hosts: string;
  keyType: string;
  key: string;
}

export function parseKnownHosts(text: string): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    let marker: KnownHostLine['marker'];
    if (parts[0] === '@revoked' || parts[0] === '@cert-authority') marker = parts.shift() as KnownHostLine['marker'];
    const [hosts, keyType, key] = parts;
    if (!hosts || !keyType || !key) continue;
    out.push({ ...(marker ? { marker } : {}), hosts, keyType, key });
  }
  return out;
}

/**
 * The ssh(1) rule: a revoked key is refused; a matching entry with the same key is fine; entries for this host
 * with only other keys mean the key changed (refuse); no entry at all means unknown (ask).
 */
export function checkHostKey(lines: KnownHostLine[], host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const names = [knownHostName(host, port)];
  const b64 = keyBlob.toString('base64');
  let sawHost = false;
  for (const l of lines) {
    if (l.marker === '@revoked' && l.key === b64) return 'revoked';
  }
  for (const l of lines) {
    if (l.marker) continue;
    if (!names.some((n) => hostFieldMatches(l.hosts, n))) continue;
    sawHost = true;
    if (l.key === b64) return 'ok';
  }
  return sawHost ? 'changed' : 'unknown';
}

export async function readKnownHosts(files: string[]): Promise<KnownHostLine[]> {
  const all: KnownHostLine[] = [];
  for (const f of files) {
    const text = await readFile(f, 'utf8').catch(() => '');
    all.push(...parseKnownHosts(text));
  }
  return all;
}

export async function appendKnownHost(file: string, host: string, port: number, keyBlob: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readFile(file, 'utf8').catch(() => '');
  const sep = existing && !existing.endsWith('\n') ? '\n' : '';
  await appendFile(file, `${sep}${knownHostName(host, port)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`, { mode: 0o600 });
}
