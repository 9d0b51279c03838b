import { request } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StasisHandlers } from '../../shared/api/contract';
import type { CallContext } from '../services/app-services';
import { isLoopback, startBrowserServer, type BrowserServer } from './server';

const handlers = {
  app: { info: async () => ({ name: 'Stasis', version: '9.9.9', mode: 'browser', platform: 'linux-x64' }) },
  hosts: { list: async () => [], probe: async () => { throw new Error('unused'); }, sshConfig: async () => [] },
} as unknown as StasisHandlers<CallContext>;

/** One raw HTTP request (fetch would normalise the path and refuses to set Host). */
function get(origin: string, rawPath: string, host?: string): Promise<number> {
  const u = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: rawPath, headers: host ? { host } : {} }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(url: string, origin: string, host?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin, ...(host ? { headers: { host } } : {}) });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('browser-mode server', () => {
  let server: BrowserServer;
  let root = '';

  beforeAll(async () => {
    // The served folder inside a private one that holds the secret the traversal attempts go for.
    root = mkdtempSync(path.join(tmpdir(), 'stasis-static-'));
    const staticDir = path.join(root, 'www');
    mkdirSync(staticDir);
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Stasis</title>');
    writeFileSync(path.join(root, 'secret.txt'), 'secret');
    server = await startBrowserServer({ handlers, staticDir, host: '127.0.0.1', port: 0 });
  });
  afterAll(() => {
    server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('prints a loopback URL with a random token in the fragment', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/);
  });

  it('serves the renderer with a strict CSP and nothing outside its folder', async () => {
    const res = await fetch(`${server.origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      expect((await fetch(`${server.origin}${p}`)).status).toBe(404);
    }
  });

  it('answers a malformed path with 400 and keeps serving', async () => {
    for (const p of ['/%E0%A4%A', '/%', '/assets/%zz.js', '/%E0%A4%A?x=1']) expect(await get(server.origin, p)).toBe(400);
    expect(await get(server.origin, '/')).toBe(200);
  });

  it('survives clients that reset mid-request, send garbage or half a request', async () => {
    const port = Number(new URL(server.origin).port);
    const raw = (text: string, reset: boolean) =>
      new Promise<void>((resolve) => {
        const c = tcpConnect(port, '127.0.0.1', () => {
          c.write(text);
          if (reset) c.resetAndDestroy();
          else c.end();
        });
        c.on('error', () => resolve());
        c.on('close', () => resolve());
      });
    const upgrade = (token: string) => `GET /api?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${server.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    for (let i = 0; i < 30; i++) {
      await Promise.all([
        raw(upgrade('wrong'), true),
        raw(upgrade(server.token), true),
        raw(`GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, true),
        raw('\x00\x01\x02 not http at all\r\n\r\n', false),
        raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 99\r\n`, true),
      ]);
    }
    expect(await get(server.origin, '/')).toBe(200);
  });

  it('refuses a Host header that is not its own address (DNS rebinding)', async () => {
    const port = new URL(server.origin).port;
    expect(await get(server.origin, '/', `evil.example:${port}`)).toBe(403);
    expect(await get(server.origin, '/', `127.0.0.1.nip.io:${port}`)).toBe(403);
    expect(await get(server.origin, '/', '127.0.0.1')).toBe(403);
    expect(await get(server.origin, '/', `localhost:${port}`)).toBe(200);
    expect(await get(server.origin, '/', `127.0.0.1:${port}`)).toBe(200);
    const api = `${server.origin.replace('http', 'ws')}/api?token=${server.token}`;
    await expect(connect(api, server.origin, `evil.example:${port}`)).rejects.toThrow(/403/);
  });

  it('carries the contract over the WebSocket for the right token and origin only', async () => {
    const api = `${server.origin.replace('http', 'ws')}/api`;
    await expect(connect(`${api}?token=nope`, server.origin)).rejects.toThrow(/403/);
    await expect(connect(`${api}?token=${server.token}`, 'http://evil.example')).rejects.toThrow(/403/);
    await expect(connect(`${api}?token=${server.token}`, '')).rejects.toThrow(/403/);
    const ws = await connect(`${api}?token=${server.token}`, server.origin);
    const reply = await new Promise<unknown>((resolve) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d))));
      ws.send(JSON.stringify({ type: 'invoke', id: 7, channel: 'app.info', input: {} }));
    });
    expect(reply).toMatchObject({ type: 'result', id: 7, envelope: { ok: true, value: { version: '9.9.9' } } });
    const bad = await new Promise<unknown>((resolve) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d))));
      ws.send('not json');
      ws.send(JSON.stringify({ type: 'invoke', id: 8, channel: 'hosts.probe', input: { hostId: 5 } }));
    });
    expect(bad).toMatchObject({ id: 8, envelope: { ok: false, error: { code: 'bad-request' } } });
    ws.close();
  });

  it('pushes events to connected clients', async () => {
    const ws = await connect(`${server.origin.replace('http', 'ws')}/api?token=${server.token}`, server.origin);
    const got = new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    server.broadcast('hostChanged', { host: { id: 'local' } });
    expect(await got).toEqual({ type: 'event', name: 'hostChanged', payload: { host: { id: 'local' } } });
    ws.close();
  });
});

describe('isLoopback', () => {
  it('accepts only loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '192.168.1.2', '::', 'example.com', '127.0.0.1.evil']) expect(isLoopback(h)).toBe(false);
  });
});
