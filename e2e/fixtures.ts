import { test as base } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface StasisServer {
  url: string;
  origin: string;
  token: string;
  sshConfig: string;
}

/** SIGTERM, and SIGKILL if it is still there after 5 s; resolves once it has exited. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Starts the real browser-mode server (built by `npm test`) on a free port, with a known ssh config. */
async function startServer(givenSshConfig: string | undefined): Promise<{ server: StasisServer; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'stasis-e2e-'));
  let sshConfig = givenSshConfig;
  if (!sshConfig) {
    sshConfig = path.join(dir, 'ssh_config');
    writeFileSync(sshConfig, 'Host e2e-box\n  HostName 127.0.0.9\n  User tester\n  Port 2299\n\nHost *\n  ServerAliveInterval 30\n');
  }
  // Hosts added by hand go to a fresh file, never the user's own.
  const child = spawn(process.execPath, ['dist/node/serve.mjs', '--port', '0', '--no-open', '--ssh-config', sshConfig], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, XDG_CONFIG_HOME: dir },
  });
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not print its URL: ${out}`)), 20_000);
      child.on('error', reject);
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /^(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    });
  } catch (err) {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const parsed = new URL(url);
  return { server: { url, origin: parsed.origin, token: new URLSearchParams(parsed.hash.slice(1)).get('token')!, sshConfig }, child, dir };
}

export const test = base.extend<object, { stasis: StasisServer; sshConfigFile: string | undefined }>({
  /** The ssh config browser mode reads its hosts from; by default a small one with an unreachable host. */
  sshConfigFile: [undefined, { scope: 'worker', option: true }],
  stasis: [
    async ({ sshConfigFile }, use) => {
      const { server, child, dir } = await startServer(sshConfigFile);
      try {
        await use(server);
      } finally {
        await stop(child);
        // Its config folder (hosts.json) and the default ssh config.
        rmSync(dir, { recursive: true, force: true });
      }
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
