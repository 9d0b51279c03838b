import { connect, type Socket } from 'node:net';

/**
 * A TCP connection for ssh2 whose writes in one turn of the event loop leave in one system call.
 *
 * Without ssh2's optional native crypto binding (not built here, and not for Electron's ABI), ssh2 writes every
 * AES-GCM packet as three or four separate socket writes (length, ciphertext, tag): a migration relaying 256 MiB
 * made ~25,000 small writes, each its own TCP segment and wake-up of the peer's sshd, and the socket writes were the
 * largest item in the CLI's CPU profile. Corking on the first write of a turn and uncorking on the next tick sends
 * all of them with one writev.
 */
export function coalescedConnect(host: string, port: number): Socket {
  const sock = connect({ host, port });
  const write = sock.write.bind(sock) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    sock.uncork();
  };
  sock.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      sock.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Socket['write'];
  return sock;
}
