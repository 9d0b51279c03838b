/**
 * Where SSH passwords and key passphrases live. The services never write one to disk themselves: browser mode
 * and the CLI keep them in memory for the process's life; the Electron app passes a vault that also keeps
 * them encrypted with the OS keyring (safeStorage), so they survive a restart without ever being stored in clear.
 */
export interface SecretVault {
  get(key: string): string | undefined;
  set(key: string, secret: string): void;
  delete(key: string): void;
}

export class MemoryVault implements SecretVault {
  private readonly secrets = new Map<string, string>();
  get(key: string): string | undefined {
    return this.secrets.get(key);
  }
  set(key: string, secret: string): void {
    this.secrets.set(key, secret);
  }
  delete(key: string): void {
    this.secrets.delete(key);
  }
}
