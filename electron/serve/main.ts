import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { validatedEmitter } from '../../shared/api/dispatch';
import { createAppServices } from '../services/app-services';
import { openInBrowser } from './open-browser';
import { isLoopback, startBrowserServer, type BrowserServer } from './server';

const USAGE = `usage: npm run serve -- [--port N] [--host ADDR --allow-remote] [--no-open] [--ssh-config FILE] [--max-upload SIZE]
  --port N        port to listen on (default 5176; 0 picks a free port)
  --host ADDR     address to bind (default 127.0.0.1); anything but loopback needs --allow-remote
  --no-open       do not open a browser
  --ssh-config F  ssh config to read hosts from (default ~/.ssh/config)
  --max-upload S  largest checkpoint the page may upload, e.g. 512M, 8G (default 4G)`;

function fail(message: string): never {
  process.stderr.write(`stasis serve: ${message}\n${USAGE}\n`);
  process.exit(1);
}

export async function main(argv: string[]): Promise<BrowserServer> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '5176' },
        host: { type: 'string', default: '127.0.0.1' },
        'allow-remote': { type: 'boolean', default: false },
        'no-open': { type: 'boolean', default: false },
        'ssh-config': { type: 'string' },
        'max-upload': { type: 'string', default: '4G' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got "${args.port}"`);
  const size = /^(\d+)([KMG]?)$/i.exec(args['max-upload']);
  if (!size) fail(`--max-upload must be a size such as 512M or 8G, got "${args['max-upload']}"`);
  const uploadMaxBytes = Number(size[1]) * 1024 ** ' KMG'.indexOf((size[2] || ' ').toUpperCase());
  if (!isLoopback(args.host) && !args['allow-remote']) {
    fail(`refusing to listen on ${args.host}: that exposes your hosts to the network. Add --allow-remote if you mean it.`);
  }
  if (!isLoopback(args.host)) {
    process.stderr.write(`WARNING: listening on ${args.host}, not loopback. Anyone who can reach it and learns the token can act as root on your hosts.\n`);
  }

  let server: BrowserServer | undefined;
  const emit = validatedEmitter((name, payload) => server?.broadcast(name, payload));
  const services = createAppServices({ mode: 'browser', emit, prepareNewCheckpoints: true, ...(args['ssh-config'] ? { sshConfigPath: args['ssh-config'] } : {}) });
  const here = path.dirname(fileURLToPath(import.meta.url));
  try {
    server = await startBrowserServer({ handlers: services.handlers, staticDir: path.join(here, '..', 'renderer'), host: args.host, port, uploadMaxBytes });
  } catch (err) {
    fail(`cannot listen on ${args.host}:${port}: ${(err as Error).message}`);
  }
  // The URL carries the token: it goes to this terminal only, never onto a command line (see open-browser.ts).
  process.stdout.write(`Stasis is running in browser mode. Open:\n${server.url}\n`);
  let opened: { remove(): void } | undefined;
  if (!args['no-open'] && (process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY'])) {
    try {
      opened = openInBrowser(server.url);
    } catch (err) {
      process.stderr.write(`Could not open a browser (${(err as Error).message}); open the URL above yourself.\n`);
    }
  }
  const stop = (): void => {
    opened?.remove();
    void server?.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return server;
}

void main(process.argv.slice(2));
