import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { createDispatch } from '../../shared/api/dispatch';
import type { ClientFrame, ServerFrame } from '../../shared/api/transport';
import type { StasisHandlers } from '../../shared/api/contract';
import type { CallContext } from '../services/app-services';
import { CONTENT_SECURITY_POLICY } from './csp';
import { UploadStore } from './upload';

export interface BrowserServerOptions {
  handlers: StasisHandlers<CallContext>;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  host: string;
  port: number;
  token?: string;
  /** Largest checkpoint `POST /upload` accepts (default 4 GiB); more is answered 413 and nothing is kept. */
  uploadMaxBytes?: number;
  /** How long uploads outlive the last open tab (default 60 s: a reload reconnects well within it). */
  uploadGraceMs?: number;
  /** An upload idle this long is cut off (default 60 s). */
  uploadIdleMs?: number;
}

export interface BrowserServer {
  url: string;
  origin: string;
  token: string;
  server: Server;
  /** Checkpoints uploaded by the browser (POST /upload), removed on close and once no tab is left. */
  uploads: UploadStore;
  /** Pushes an event to every connected, authenticated client. */
  broadcast(name: string, payload: unknown): void;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const MAX_FRAME_BYTES = 1024 * 1024;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The token of a plain HTTP request: `Authorization: Bearer …` or `X-Stasis-Token`, never the URL (it would be logged). */
function headerToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const given = req.headers['x-stasis-token'];
  return typeof given === 'string' ? given : null;
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/**
 * The Host header a request must carry: the address we listen on, or "localhost" for a loopback one. A page on
 * another name that resolves to 127.0.0.1 (DNS rebinding) is then refused, though it reaches our socket.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const forUrl = host.includes(':') ? `[${host}]` : host;
  const names = [forUrl, ...(isLoopback(host) ? ['localhost', '127.0.0.1', '[::1]'] : [])];
  return new Set(names.map((n) => `${n}:${port}`.toLowerCase()));
}

async function serveStatic(dir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = HEADERS;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
    return;
  }
  let rel: string;
  try {
    const url = new URL(req.url ?? '/', 'http://x');
    rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  } catch {
    // A malformed escape such as "%E0%A4%A": the request is bad, the server carries on.
    res.writeHead(400, headers).end('bad request');
    return;
  }
  const file = path.resolve(dir, `.${rel}`);
  if (!file.startsWith(path.resolve(dir) + path.sep)) {
    res.writeHead(404, headers).end('not found');
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { ...headers, 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404, headers).end('not found');
  }
}

/**
 * Browser mode: the built renderer over HTTP and the API contract over one WebSocket, on loopback.
 * Every WebSocket connection must present the token and come from our own origin, so another
 * page in the user's browser cannot drive the API.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const dispatch = createDispatch(options.handlers);
  const clients = new Set<WebSocket>();
  let hosts = new Set<string>();
  const hostOk = (req: IncomingMessage): boolean => hosts.has((req.headers.host ?? '').toLowerCase());
  const originOk = (req: IncomingMessage): boolean => !!origin && (req.headers.origin === origin || req.headers.origin === origin.replace('127.0.0.1', 'localhost'));
  const uploads = new UploadStore(options.uploadMaxBytes, options.uploadIdleMs);
  const server = createServer((req, res) => {
    if (!hostOk(req)) {
      res.writeHead(403, HEADERS).end('this server answers only to its own address');
      return;
    }
    if (req.url?.split('?')[0] === '/upload') {
      handleUpload(req, res);
      return;
    }
    // No request may end the server: whatever goes wrong in one is answered there.
    serveStatic(options.staticDir, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, HEADERS);
      res.end();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  // Node ends any request not received whole within 5 min: too short for a big upload over a slow link. Headers still
  // have their own timeout, and an upload that stalls is cut off by UploadStore's idle timeout.
  server.requestTimeout = 0;

  // Same rules as the WebSocket: our own origin and the token (in a header). A refused request is answered and its
  // body left unread; the connection closes after the answer.
  const handleUpload = (req: IncomingMessage, res: ServerResponse): void => {
    const refuse = (status: number, error: string): void => {
      res.writeHead(status, { ...HEADERS, 'Content-Type': 'application/json', Connection: 'close' }).end(JSON.stringify({ error }));
    };
    if (req.method !== 'POST' && req.method !== 'DELETE') return refuse(405, 'Upload with POST.');
    if (!originOk(req)) return refuse(403, 'Uploads are accepted from this server\'s own page only.');
    if (!sameToken(headerToken(req), token)) return refuse(401, 'This upload lacks the token of this browser tab.');
    if (req.method === 'DELETE') {
      // The tab closed the image it uploaded: `?path=` names it; only a path this server received is removed.
      let file: string | null = null;
      try {
        file = new URL(req.url ?? '/', 'http://x').searchParams.get('path');
      } catch {
        file = null;
      }
      if (!file || !uploads.has(file)) return refuse(404, 'No such upload.');
      void uploads.remove(file).then(() => res.writeHead(204, HEADERS).end());
      return;
    }
    uploads.receive(req, res, HEADERS).catch(() => {
      if (!res.headersSent) res.writeHead(500, HEADERS);
      res.end();
    });
  };

  // Uploads are for the tabs that made them: once none has been connected for the grace time, they are removed.
  let emptySince: ReturnType<typeof setTimeout> | undefined;
  const graceMs = options.uploadGraceMs ?? 60_000;
  const tabsChanged = (): void => {
    clearTimeout(emptySince);
    emptySince = undefined;
    if (clients.size > 0) return;
    emptySince = setTimeout(function sweep() {
      if (clients.size > 0) return;
      if (uploads.active > 0) emptySince = setTimeout(sweep, graceMs);
      else void uploads.removeAll();
    }, graceMs);
    emptySince.unref();
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let origin = '';
  let nextCaller = 1;

  server.on('upgrade', (req, socket, head) => {
    // Node leaves an upgraded socket without an error listener: a client that resets it would end the process.
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://x');
    } catch {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    if (url.pathname !== '/api' || !hostOk(req) || !originOk(req) || !sameToken(url.searchParams.get('token'), token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const caller = `ws-${nextCaller++}`;
    clients.add(ws);
    tabsChanged();
    ws.on('close', () => {
      clients.delete(ws);
      tabsChanged();
    });
    ws.on('message', (data) => {
      let frame: ClientFrame;
      try {
        frame = JSON.parse(String(data)) as ClientFrame;
      } catch {
        return;
      }
      if (frame?.type !== 'invoke' || typeof frame.id !== 'number' || typeof frame.channel !== 'string') return;
      void dispatch(frame.channel, frame.input, { caller }).then((envelope) => {
        const reply: ServerFrame = { type: 'result', id: frame.id, envelope };
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  origin = `http://${hostForUrl}:${port}`;
  hosts = allowedHosts(options.host, port);

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    server,
    uploads,
    broadcast(name, payload) {
      const frame: ServerFrame = { type: 'event', name, payload };
      const text = JSON.stringify(frame);
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
    },
    async close() {
      for (const ws of clients) ws.terminate();
      wss.close();
      clearTimeout(emptySince);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await uploads.removeAll();
    },
  };
}
