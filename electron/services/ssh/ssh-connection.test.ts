import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshTarget } from '../ssh-config';
import { SshConnection, type SshStatus } from './ssh-connection';

// An in-process sshd (ssh2.Server on loopback) for what real sshd makes awkward: dropping a session on purpose.
const { Server, utils } = ssh2;
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-ssh-unit-'));
const hostKey = utils.generateKeyPairSync('ed25519');
const PASSWORD = 'unit-test-pw';
const live = new Set<{ end(): void }>();
let server: InstanceType<typeof Server>;
let port = 0;

beforeAll(async () => {
  server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    live.add(client);
    client.on('close', () => live.delete(client));
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.password === PASSWORD) ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('session', (accept) => {
      accept().once('exec', (acc, _rej, info) => {
        const stream = acc();
        stream.write(`ran: ${info.command}\n`);
        stream.exit(0);
        stream.end();
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey.public.split(' ').slice(0, 2).join(' ')}\n`);
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function target(): SshTarget {
  return { alias: 'unit', hostName: '127.0.0.1', port, user: 'me', identityFiles: [path.join(dir, 'none')], identitiesOnly: true, knownHostsFiles: [path.join(dir, 'known_hosts')], proxyJump: [] };
}

/** A jump host that records every password it is offered and forwards to the target server. */
async function jumpHost(password: string) {
  const offered: string[] = [];
  const jump = new Server({ hostKeys: [hostKey.private] }, (client) => {
    live.add(client);
    client.on('close', () => live.delete(client));
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password') offered.push(ctx.password);
      if (ctx.method === 'keyboard-interactive') {
        ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
          offered.push(...answers);
          if (answers[0] === password) ctx.accept();
          else ctx.reject(['password', 'keyboard-interactive']);
        });
        return;
      }
      if (ctx.method === 'password' && ctx.password === password) ctx.accept();
      else ctx.reject(['password', 'keyboard-interactive']);
    });
    client.on('tcpip', (accept, _reject, info) => {
      const ch = accept();
      const sock = tcpConnect(info.destPort, info.destIP);
      ch.pipe(sock).pipe(ch);
      sock.on('error', () => ch.close());
    });
  });
  await new Promise<void>((r) => jump.listen(0, '127.0.0.1', () => r()));
  const jumpPort = (jump.address() as { port: number }).port;
  appendFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${jumpPort} ${hostKey.public.split(' ').slice(0, 2).join(' ')}\n`);
  const hop: SshTarget = { ...target(), alias: 'jump', port: jumpPort };
  return { offered, hop, close: () => jump.close() };
}

describe('SshConnection', () => {
  it('offers each password only to the host it was entered for, through ProxyJump', async () => {
    const j = await jumpHost('jump-pw');
    const asked: [string, string | undefined][] = [];
    const secrets: Record<string, string> = { target: PASSWORD, jump: 'jump-pw' };
    const deps = {
      secret: (kind: string, hop?: string) => (asked.push([kind, hop]), kind === 'password' ? secrets[hop ?? 'target'] : undefined),
      resolveHop: async () => j.hop,
    };
    const c = new SshConnection('unit', { ...target(), proxyJump: ['jump'] }, deps);
    expect(await c.run(['true'])).toMatchObject({ code: 0, stdout: 'ran: true\n' });
    c.close();
    expect(j.offered).toEqual(['jump-pw']);
    expect(asked).toContainEqual(['password', 'jump']);
    // A jump host with no secret of its own is not handed the target's: it says what to do instead.
    delete secrets['jump'];
    const d = new SshConnection('unit', { ...target(), proxyJump: ['jump'] }, deps);
    await expect(d.run(['true'])).rejects.toMatchObject({ code: 'auth-failed', message: expect.stringMatching(/jump host jump .*only to the host it was entered for/) });
    d.close();
    expect(j.offered).toEqual(['jump-pw']);
    j.close();
  });

  it('asks for a password, then runs quoted commands', async () => {
    const given: { password?: string } = {};
    const c = new SshConnection('unit', target(), { secret: () => given.password, resolveHop: async () => target() });
    await expect(c.run(['echo', 'hi'])).rejects.toMatchObject({ code: 'password-needed' });
    given.password = PASSWORD;
    const r = await c.run(['echo', "it's"]);
    expect(r).toMatchObject({ code: 0, stdout: `ran: echo 'it'\\''s'\n` });
    c.close();
  });

  it('reconnects with backoff after the session drops, reporting status', async () => {
    const seen: SshStatus[] = [];
    const c = new SshConnection('unit', target(), { secret: () => PASSWORD, resolveHop: async () => target(), onStatus: (s) => seen.push(s) });
    await c.run(['true']);
    for (const cl of live) cl.end();
    for (let i = 0; i < 50 && !(seen.includes('unreachable') && seen.at(-1) === 'ok'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(['ok', 'unreachable', 'ok']);
    expect((await c.run(['true'])).code).toBe(0);
    c.close();
  });
});
