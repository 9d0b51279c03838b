// The Electron binary cannot run on this machine (it cannot be downloaded here), so safeStorage is a small
// stand-in: a reversible cipher whose output never contains the plain text, and a switch for "no keyring".
// The files are real: the vault writes to a temp dir and the test reads every byte it left there.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SafeStorageVault, type SafeStorageLike } from './secret-vault';

const root = mkdtempSync(path.join(tmpdir(), 'stasis-vault-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => {
  const d = path.join(root, String(n++));
  mkdirSync(d);
  return d;
};

class SafeStorageStandIn implements SafeStorageLike {
  encrypted = 0;
  constructor(
    public available = true,
    public backend = 'gnome_libsecret',
  ) {}
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  getSelectedStorageBackend(): string {
    return this.backend;
  }
  encryptString(plain: string): Buffer {
    this.encrypted++;
    return Buffer.concat([Buffer.from('v10'), Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)]);
  }
  decryptString(enc: Buffer): string {
    if (enc.subarray(0, 3).toString() !== 'v10') throw new Error('not ours');
    return Buffer.from(enc.subarray(3).map((b) => b ^ 0x5a)).toString('utf8');
  }
}

const SECRET = 'hunter2-correct-horse';
/** Every byte under `dir`, as text and base64-decoded where it looks like base64, to search for the secret. */
function everythingOnDisk(dir: string): string {
  let all = '';
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f);
    if (!statSync(p).isFile()) continue;
    const text = readFileSync(p, 'utf8');
    all += text;
    for (const m of text.match(/[A-Za-z0-9+/=]{4,}/g) ?? []) all += Buffer.from(m, 'base64').toString('latin1');
  }
  return all;
}

describe('SafeStorageVault', () => {
  it('keeps a secret in memory only unless asked to remember it', () => {
    const dir = freshDir();
    const vault = new SafeStorageVault(dir, new SafeStorageStandIn());
    expect(vault.set('h\0password', SECRET)).toEqual({ remembered: false });
    expect(vault.get('h\0password')).toBe(SECRET);
    expect(readdirSync(dir)).toEqual([]);
    expect(new SafeStorageVault(dir, new SafeStorageStandIn()).get('h\0password')).toBeUndefined();
  });

  it('writes a remembered secret encrypted only (0600), and reads it back after a restart', () => {
    const dir = freshDir();
    const storage = new SafeStorageStandIn();
    const vault = new SafeStorageVault(dir, storage);
    expect(vault.set('h\0password', SECRET, { remember: true })).toEqual({ remembered: true });
    expect(storage.encrypted).toBe(1);
    expect(readdirSync(dir)).toEqual(['secrets.json']);
    expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(everythingOnDisk(dir)).not.toContain(SECRET);
    expect(new SafeStorageVault(dir, new SafeStorageStandIn()).get('h\0password')).toBe(SECRET);
    // Un-remembering (or forgetting) takes it off the disk again.
    vault.set('h\0password', SECRET, { remember: false });
    expect(new SafeStorageVault(dir, new SafeStorageStandIn()).get('h\0password')).toBeUndefined();
    vault.set('h\0passphrase', SECRET, { remember: true });
    vault.delete('h\0passphrase');
    expect(new SafeStorageVault(dir, new SafeStorageStandIn()).get('h\0passphrase')).toBeUndefined();
  });

  it('refuses to write anything when encryption is unavailable or only the basic_text backend exists', () => {
    for (const storage of [new SafeStorageStandIn(false), new SafeStorageStandIn(true, 'basic_text')]) {
      const dir = freshDir();
      const vault = new SafeStorageVault(dir, storage);
      expect(vault.set('h\0password', SECRET, { remember: true })).toEqual({ remembered: false });
      expect(vault.get('h\0password')).toBe(SECRET);
      expect(readdirSync(dir)).toEqual([]);
      expect(storage.encrypted).toBe(0);
    }
  });

  it('leaves no temp file behind when a write fails', () => {
    const dir = freshDir();
    // secrets.json is a directory: the final rename fails after the temp file was written.
    mkdirSync(path.join(dir, 'secrets.json'));
    const vault = new SafeStorageVault(dir, new SafeStorageStandIn());
    expect(() => vault.set('h\0password', SECRET, { remember: true })).toThrow();
    expect(readdirSync(dir)).toEqual(['secrets.json']);
    expect(everythingOnDisk(dir)).not.toContain(SECRET);
  });
});
