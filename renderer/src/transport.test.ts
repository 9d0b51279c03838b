import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as WsClient, WebSocketServer } from 'ws';
import { webSocketTransport, type ConnectionState } from './transport';

// A real WebSocket server that goes away and comes back on the same port, as `npm run serve` does when restarted.
let server: WebSocketServer | undefined;

function serve(port = 0): Promise<WebSocketServer> {
  return new Promise((resolve) => {
    const s: WebSocketServer = new WebSocketServer({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('connection', (ws: WsClient) => {
      ws.on('message', (raw: Buffer) => {
        const frame = JSON.parse(String(raw)) as { id: number; channel: string };
        if (frame.channel === 'app.hang') return;
        ws.send(JSON.stringify({ type: 'result', id: frame.id, envelope: { ok: true, value: frame.channel } }));
        ws.send(JSON.stringify({ type: 'event', name: 'hostChanged', payload: { n: frame.id } }));
      });
    });
  });
}

async function stop(s: WebSocketServer): Promise<void> {
  for (const c of s.clients) c.terminate();
  await new Promise<void>((r) => s.close(() => r()));
}

const until = async (check: () => boolean): Promise<void> => {
  await vi.waitFor(() => expect(check()).toBe(true), { timeout: 5_000, interval: 25 });
};

afterEach(async () => {
  if (server) await stop(server);
  server = undefined;
});

describe('browser-mode transport', () => {
  it('says at once when the server goes, fails what was waiting, and reconnects by itself when it is back', async () => {
    server = await serve();
    const port = (server.address() as { port: number }).port;
    const transport = webSocketTransport(() => new WsClient(`ws://127.0.0.1:${port}/api`) as unknown as WebSocket, {
      setTimeout: (f, ms) => setTimeout(f, ms) as unknown as number,
      clearTimeout: (t) => clearTimeout(t),
    });
    const states: ConnectionState[] = [];
    transport.onConnection((s) => states.push(s));
    const events: unknown[] = [];
    transport.on('hostChanged', (p) => events.push(p));

    expect(await transport.invoke('app.info', {})).toEqual({ ok: true, value: 'app.info' });
    expect(states).toEqual(['connecting', 'connected']);
    await until(() => events.length === 1);

    const waiting = transport.invoke('app.hang', {});
    await stop(server);
    server = undefined;
    expect(await waiting).toMatchObject({ ok: false, error: { code: 'host-unreachable', message: expect.stringMatching(/connection to the Stasis server was lost/) } });
    await until(() => states.at(-1) === 'lost');

    server = await serve(port);
    await until(() => states.at(-1) === 'connected');
    // Listeners stay subscribed across the reconnection.
    expect(await transport.invoke('hosts.list', {})).toEqual({ ok: true, value: 'hosts.list' });
    await until(() => events.length === 2);
  });
});
