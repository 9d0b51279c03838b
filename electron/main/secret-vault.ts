import { safeStorage } from 'electron';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SecretVault } from '../services/secret-vault';

/**
 * Keeps secrets in memory and, when the OS offers a keyring-backed key, also on disk encrypted with it
 * (safeStorage). Without such a key (e.g. no keyring on Linux: the "basic_text" backend) nothing is written:
 * a secret stored under a hard-coded key would only look encrypted.
 */
export class SafeStorageVault implements SecretVault {
  private readonly file: string;
  private readonly secrets = new Map<string, string>();

  constructor(userDataDir: string) {
    this.file = path.join(userDataDir, 'secrets.json');
    if (!this.persistent()) return;
    try {
      const stored = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
      for (const [k, v] of Object.entries(stored)) this.secrets.set(k, safeStorage.decryptString(Buffer.from(v, 'base64')));
    } catch {
      // No file yet, or one the keyring can no longer decrypt: start empty; the user is asked again.
    }
  }

  private persistent(): boolean {
    return safeStorage.isEncryptionAvailable() && safeStorage.getSelectedStorageBackend?.() !== 'basic_text';
  }

  private save(): void {
    if (!this.persistent()) return;
    const out: Record<string, string> = {};
    for (const [k, v] of this.secrets) out[k] = safeStorage.encryptString(v).toString('base64');
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(out), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  get(key: string): string | undefined {
    return this.secrets.get(key);
  }

  set(key: string, secret: string): void {
    this.secrets.set(key, secret);
    this.save();
  }

  delete(key: string): void {
    if (this.secrets.delete(key)) this.save();
  }
}
