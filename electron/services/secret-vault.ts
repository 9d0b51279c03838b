/**
 * Where SSH passwords and key passphrases live. By default only in memory, for the process's life: browser mode
 * and the CLI never write one anywhere. The Electron app passes a vault that, when the user ticks "remember" and
 * the OS keyring offers a key, also keeps that one secret on disk encrypted with it (safeStorage), never in clear.
 */
export interface SecretVault {
  get(key: string): string | undefined;
  /** Keeps the secret; `remember` asks to keep it across restarts. Says whether it was written (encrypted). */
  set(key: string, secret: string, options?: { remember?: boolean }): { remembered: boolean };
  delete(key: string): void;
}

export class MemoryVault implements SecretVault {
  private readonly secrets = new Map<string, string>();
  get(key: string): string | undefined {
    return this.secrets.get(key);
  }
  set(key: string, secret: string): { remembered: boolean } {
    this.secrets.set(key, secret);
    return { remembered: false };
  }
  delete(key: string): void {
    this.secrets.delete(key);
  }
}
