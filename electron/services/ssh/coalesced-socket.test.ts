import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { coalescedConnect } from './coalesced-socket';

let server: Server;
let port = 0;
const received: Buffer[] = [];

beforeAll(async () => {
  server = createServer((s) => s.on('data', (d: Buffer) => received.push(d)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('coalescedConnect', () => {
  it('holds the writes of one turn and sends them together, in order', async () => {
    const sock = coalescedConnect('127.0.0.1', port);
    await new Promise<void>((r) => sock.once('connect', () => r()));
    for (const part of ['len', 'ciphertext', 'tag']) sock.write(part);
    expect(sock.writableCorked).toBe(1);
    await new Promise<void>((r) => process.nextTick(r));
    expect(sock.writableCorked).toBe(0);
    sock.write('next');
    sock.end();
    await vi.waitFor(() => expect(Buffer.concat(received).toString()).toBe('lenciphertexttagnext'));
  });
});
