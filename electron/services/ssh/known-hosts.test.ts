import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHostKey, fingerprint, hostFieldMatches, keyTypeOf, knownHostName, parseKnownHosts } from './known-hosts';

function blob(type: string, body: Buffer): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  const blen = Buffer.alloc(4);
  blen.writeUInt32BE(body.length);
  return Buffer.concat([len, t, blen, body]);
}
const keyA = blob('ssh-ed25519', Buffer.alloc(32, 1));
const keyB = blob('ssh-ed25519', Buffer.alloc(32, 2));

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  it('names non-22 ports in brackets, and reads the key type from the blob', () => {
    expect(knownHostName('h', 22)).toBe('h');
    expect(knownHostName('127.0.0.2', 2222)).toBe('[127.0.0.2]:2222');
    expect(keyTypeOf(keyA)).toBe('ssh-ed25519');
    expect(fingerprint(keyA)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('matches plain, bracketed, wildcard, negated and hashed host fields', () => {
    expect(hostFieldMatches('a,b,[127.0.0.2]:2222', '[127.0.0.2]:2222')).toBe(true);
    expect(hostFieldMatches('[127.0.0.2]:2222', '[127.0.0.23]:2222')).toBe(false);
    expect(hostFieldMatches('*.example.org,!bad.example.org', 'x.example.org')).toBe(true);
    expect(hostFieldMatches('*.example.org,!bad.example.org', 'bad.example.org')).toBe(false);
    expect(hostFieldMatches(hashed('[10.0.0.1]:2200'), '[10.0.0.1]:2200')).toBe(true);
    expect(hostFieldMatches(hashed('[10.0.0.1]:2200'), '10.0.0.1')).toBe(false);
  });

  it('says ok, changed, unknown or revoked as ssh(1) would', () => {
    const lines = parseKnownHosts(
      [
        '# comment',
        `[h1]:2222 ssh-ed25519 ${keyA.toString('base64')}`,
        `${hashed('h2')} ssh-ed25519 ${keyA.toString('base64')}`,
        `h2 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ`,
        `@revoked * ssh-ed25519 ${keyB.toString('base64')}`,
        'garbage',
      ].join('\n'),
    );
    expect(checkHostKey(lines, 'h1', 2222, keyA)).toBe('ok');
    expect(checkHostKey(lines, 'h2', 22, keyA)).toBe('ok');
    expect(checkHostKey(lines, 'h1', 22, keyA)).toBe('unknown');
    expect(checkHostKey(lines, 'h1', 2222, blob('ssh-ed25519', Buffer.alloc(32, 3)))).toBe('changed');
    expect(checkHostKey(lines, 'h9', 22, keyB)).toBe('revoked');
  });
});
