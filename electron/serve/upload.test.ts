import { request } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StasisHandlers } from '../../shared/api/contract';
import { createAppServices, type CallContext } from '../services/app-services';
import { startBrowserServer, type BrowserServer } from './server';
import { safeUploadName } from './upload';

const SAMPLE = path.resolve(__dirname, '..', '..', 'assets', 'sample-checkpoint.tar.zst');
const sample = readFileSync(SAMPLE);
const handlers = { app: { info: async () => ({}) } } as unknown as StasisHandlers<CallContext>;

interface Reply {
  status: number;
  body: string;
}

/** One raw POST: `chunks` are written one by one (no Content-Length when `chunked`); `cut` resets the socket mid-body. */
function post(server: BrowserServer, opts: { headers?: Record<string, string>; chunks?: Buffer[]; chunked?: boolean; cut?: boolean; method?: string }): Promise<Reply> {
  const u = new URL(server.origin);
  const chunks = opts.chunks ?? [sample];
  const length = chunks.reduce((n, c) => n + c.length, 0);
  const headers = { origin: server.origin, authorization: `Bearer ${server.token}`, ...(opts.chunked ? {} : { 'content-length': String(length) }), ...opts.headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: '/upload', method: opts.method ?? 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (err) => (opts.cut ? resolve({ status: 0, body: '' }) : reject(err)));
    for (const c of chunks) req.write(c);
    // Cut off once the server is receiving (its partial file exists).
    if (opts.cut) void until(async () => server.uploads.active > 0 && (await uploadsLeft(server)).length > 0).then(() => req.destroy());
    else req.end();
  });
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  await vi.waitFor(async () => expect(await check()).toBe(true), { timeout: 5_000, interval: 10 });
}

const uploadsLeft = async (server: BrowserServer): Promise<string[]> => {
  const dir = await server.uploads.folder();
  return dir && existsSync(dir) ? readdirSync(dir) : [];
};

describe('browser-mode upload (POST /upload)', () => {
  let server: BrowserServer;
  let small: BrowserServer;
  let root = '';

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'stasis-upload-test-'));
    const staticDir = path.join(root, 'www');
    mkdirSync(staticDir);
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Stasis</title>');
    server = await startBrowserServer({ handlers, staticDir, host: '127.0.0.1', port: 0 });
    small = await startBrowserServer({ handlers, staticDir, host: '127.0.0.1', port: 0, uploadMaxBytes: 10_000 });
  });
  afterAll(async () => {
    const dirs = [await server?.uploads.folder(), await small?.uploads.folder()];
    await server?.close();
    await small?.close();
    // Closing the server removes its upload folder.
    for (const d of dirs) if (d) expect(existsSync(d)).toBe(false);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('streams a real checkpoint to a private folder, and the path it answers opens through images.inspectFile', async () => {
    const reply = await post(server, { headers: { 'x-stasis-filename': encodeURIComponent('../my sample.tar.zst') } });
    expect(reply.status).toBe(200);
    const { path: file, bytes } = JSON.parse(reply.body) as { path: string; bytes: number };
    expect(bytes).toBe(sample.length);
    expect(path.basename(path.dirname(file))).toMatch(/^stasis-upload-/);
    expect(path.basename(file)).toMatch(/^[0-9a-f]{12}-my_sample\.tar\.zst$/);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readFileSync(file).equals(sample)).toBe(true);
    const services = createAppServices({ mode: 'browser', hostsFile: path.join(root, 'hosts.json'), sshConfigPath: path.join(root, 'ssh_config') });
    const report = await services.handlers.images.inspectFile({ path: file }, { caller: 'test' });
    expect(report.processes.length).toBeGreaterThan(0);
    await services.close();
    // Sent with Transfer-Encoding: chunked (no length given) it arrives the same.
    const chunked = await post(server, { chunked: true, chunks: [sample.subarray(0, 1000), sample.subarray(1000)] });
    expect(chunked.status).toBe(200);
    expect((JSON.parse(chunked.body) as { bytes: number }).bytes).toBe(sample.length);
  });

  it('refuses a missing or wrong token, a foreign Origin, another method and another Host, and keeps nothing', async () => {
    const before = await uploadsLeft(server);
    expect((await post(server, { headers: { authorization: '' } })).status).toBe(401);
    expect((await post(server, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await post(server, { headers: { authorization: '', 'x-stasis-token': server.token } })).status).toBe(200);
    expect((await post(server, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await post(server, { headers: { origin: '' } })).status).toBe(403);
    expect((await post(server, { headers: { host: `evil.example:${new URL(server.origin).port}` } })).status).toBe(403);
    expect((await post(server, { method: 'PUT' })).status).toBe(405);
    expect((await post(server, { method: 'GET', chunks: [] })).status).toBe(405);
    expect((await uploadsLeft(server)).length).toBe(before.length + 1);
    expect((await fetch(`${server.origin}/`)).status).toBe(200);
  });

  it('answers 413 over the cap, declared or found while streaming, and leaves no file', async () => {
    expect((await post(small, {})).status).toBe(413);
    expect(await uploadsLeft(small)).toEqual([]);
    expect((await post(small, { chunked: true, chunks: [sample.subarray(0, 8000), sample.subarray(8000)] })).status).toBe(413);
    await until(async () => small.uploads.active === 0);
    expect(await uploadsLeft(small)).toEqual([]);
    expect((await post(small, { chunks: [sample.subarray(0, 5000)] })).status).toBe(200);
    expect((await fetch(`${small.origin}/`)).status).toBe(200);
  });

  it('removes the partial file of an upload cut off mid-way, and keeps serving', async () => {
    const before = await uploadsLeft(server);
    // Declares the whole file, sends half of it, then resets the connection while the server holds a partial file.
    await post(server, { headers: { 'content-length': String(sample.length) }, chunks: [sample.subarray(0, 15_000)], cut: true });
    await until(async () => server.uploads.active === 0 && (await uploadsLeft(server)).length === before.length);
    expect((await fetch(`${server.origin}/`)).status).toBe(200);
    expect((await post(server, {})).status).toBe(200);
  });

  it('cuts off an upload that stalls, and removes its partial file', async () => {
    const staticDir = path.join(root, 'www');
    const idle = await startBrowserServer({ handlers, staticDir, host: '127.0.0.1', port: 0, uploadIdleMs: 200 });
    try {
      const u = new URL(idle.origin);
      const req = request({ host: u.hostname, port: u.port, path: '/upload', method: 'POST', headers: { origin: idle.origin, authorization: `Bearer ${idle.token}`, 'content-length': String(sample.length) } });
      req.on('error', () => {});
      req.write(sample.subarray(0, 10_000));
      await until(async () => idle.uploads.active > 0 && (await uploadsLeft(idle)).length > 0);
      // Nothing more is sent: the server gives up on it.
      await until(async () => idle.uploads.active === 0 && (await uploadsLeft(idle)).length === 0);
      req.destroy();
      expect((await post(idle, {})).status).toBe(200);
    } finally {
      await idle.close();
    }
  });

  it('removes uploads once no tab has been connected for the grace time', async () => {
    const staticDir = path.join(root, 'www');
    const quick = await startBrowserServer({ handlers, staticDir, host: '127.0.0.1', port: 0, uploadGraceMs: 50 });
    try {
      const { default: WebSocket } = await import('ws');
      const ws = new WebSocket(`${quick.origin.replace('http', 'ws')}/api?token=${quick.token}`, { origin: quick.origin });
      await new Promise((r) => ws.once('open', r));
      const { path: file } = JSON.parse((await post(quick, {})).body) as { path: string };
      expect(existsSync(file)).toBe(true);
      ws.close();
      await until(() => !existsSync(file));
    } finally {
      await quick.close();
    }
  });
});

describe('safeUploadName', () => {
  it('keeps a base name of safe characters only', () => {
    expect(safeUploadName(encodeURIComponent('/etc/passwd'))).toBe('passwd');
    expect(safeUploadName(encodeURIComponent('..\\..\\x.tar'))).toBe('x.tar');
    expect(safeUploadName('%E0%A4%A')).toBe('checkpoint');
    expect(safeUploadName(undefined)).toBe('checkpoint');
    expect(safeUploadName(encodeURIComponent('..'))).toBe('checkpoint');
    expect(safeUploadName(encodeURIComponent('.hidden'))).toBe('hidden');
  });
});

describe('DELETE /upload (the tab closed the image it uploaded)', () => {
  it('removes that upload only, with the token and from our origin', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'stasis-upload-test-'));
    const server = await startBrowserServer({ handlers, staticDir: root, host: '127.0.0.1', port: 0 });
    try {
      const { path: file } = JSON.parse((await post(server, {})).body) as { path: string };
      const del = (p: string, headers: Record<string, string> = {}) => raw(server, `/upload?path=${encodeURIComponent(p)}`, headers);
      expect(await del(file, { authorization: '' })).toBe(401);
      expect(await del(file, { origin: 'http://evil.example' })).toBe(403);
      expect(existsSync(file)).toBe(true);
      expect(await del(SAMPLE)).toBe(404);
      expect(existsSync(SAMPLE)).toBe(true);
      expect(await del(file)).toBe(204);
      expect(existsSync(file)).toBe(false);
      expect(await del(file)).toBe(404);
    } finally {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

function raw(server: BrowserServer, rawPath: string, headers: Record<string, string>): Promise<number> {
  const u = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: rawPath, method: 'DELETE', headers: { origin: server.origin, authorization: `Bearer ${server.token}`, ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
