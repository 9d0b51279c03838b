import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SecretVault } from '../services/secret-vault';

/** The part of Electron's safeStorage the vault uses; main.ts passes the real one. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * Keeps secrets in memory; a secret the user asked to remember is also written to disk, encrypted with the
 * OS keyring's key (safeStorage). Without such a key (e.g. no keyring on Linux: the "basic_text" backend) it
 * refuses to write: a secret stored under a hard-coded key would only look encrypted.
 */
export class SafeStorageVault implements SecretVault {
  private readonly file: string;
  private readonly secrets = new Map<string, string>();
  /** The keys whose secrets the user asked to remember (only these go to disk). */
  private readonly remembered = new Set<string>();

  constructor(
    userDataDir: string,
    private readonly safeStorage: SafeStorageLike,
  ) {
    this.file = path.join(userDataDir, 'secrets.json');
    if (!this.persistent()) return;
    try {
      const stored = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
      for (const [k, v] of Object.entries(stored)) {
        this.secrets.set(k, safeStorage.decryptString(Buffer.from(v, 'base64')));
        this.remembered.add(k);
      }
    } catch {
      // No file yet, or one the keyring can no longer decrypt: start empty; the user is asked again.
    }
  }

  /** Whether a remembered secret can be written at all (a keyring-backed key exists). */
  persistent(): boolean {
    return this.safeStorage.isEncryptionAvailable() && this.safeStorage.getSelectedStorageBackend?.() !== 'basic_text';
  }

  private save(): void {
    if (!this.persistent()) return;
    const out: Record<string, string> = {};
    for (const k of this.remembered) {
      const v = this.secrets.get(k);
      if (v !== undefined) out[k] = this.safeStorage.encryptString(v).toString('base64');
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(out), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, this.file);
    } catch (err) {
      // A half-written or orphaned temp file must not stay behind (it holds the encrypted secrets).
      rmSync(tmp, { force: true });
      throw err;
    }
  }

  get(key: string): string | undefined {
    return this.secrets.get(key);
  }

  set(key: string, secret: string, options: { remember?: boolean } = {}): { remembered: boolean } {
    this.secrets.set(key, secret);
    const remember = Boolean(options.remember) && this.persistent();
    const wasRemembered = this.remembered.has(key);
    if (remember) this.remembered.add(key);
    else this.remembered.delete(key);
    // A secret no longer to be remembered leaves the file too.
    if (remember || wasRemembered) this.save();
    return { remembered: remember };
  }

  delete(key: string): void {
    this.secrets.delete(key);
    if (this.remembered.delete(key)) this.save();
  }
}
