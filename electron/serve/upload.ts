import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

/** Default cap on one upload: a checkpoint with a few GiB of memory fits; a runaway client does not fill the disk. */
export const DEFAULT_UPLOAD_MAX_BYTES = 4 * 1024 ** 3;

/** The request header that names the uploaded file (URI-encoded); only its base name's safe characters are kept. */
export const UPLOAD_NAME_HEADER = 'x-stasis-filename';

class TooLarge extends Error {}

/** What an uploaded file may be called on disk: its base name's safe characters, so the image browser shows it. */
export function safeUploadName(header: string | undefined): string {
  let name = '';
  try {
    name = decodeURIComponent(header ?? '');
  } catch {
    name = '';
  }
  const base = path.basename(name.replaceAll('\\', '/')).replace(/[^\w.+-]/g, '_').replace(/^\.+/, '').slice(-100);
  return base || 'checkpoint';
}

/**
 * Checkpoints uploaded from the browser: each streamed to disk (never held in memory whole) under one private temp
 * folder (0700, made on first use) that this server owns. A file over the cap, or an upload cut off, is removed at
 * once; `removeAll` empties the folder (the server calls it on close and once the browser tab has gone).
 */
export class UploadStore {
  private dir: Promise<string> | undefined;
  private readonly files = new Set<string>();
  /** Uploads being received: the folder is not emptied under them. */
  active = 0;

  /**
   * @param idleMs an upload that sends nothing for this long is cut off (its file removed). The server has no limit on
   * a whole request's time (a few GiB over a slow link take long), so this is what ends a stalled one.
   */
  constructor(
    readonly maxBytes: number = DEFAULT_UPLOAD_MAX_BYTES,
    readonly idleMs = 60_000,
  ) {}

  /** Streams the request body into a new file and answers with its server-side path (JSON). */
  async receive(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBytes) {
      reply(res, 413, headers, { error: `The file is larger than this server accepts (${this.maxBytes} bytes). Copy it to the machine and open it by path.` });
      req.resume();
      return;
    }
    this.active++;
    let file: string | undefined;
    try {
      this.dir ??= mkdtemp(path.join(tmpdir(), 'stasis-upload-'));
      const dir = await this.dir;
      file = path.join(dir, `${randomBytes(6).toString('hex')}-${safeUploadName(req.headers[UPLOAD_NAME_HEADER] as string | undefined)}`);
      this.files.add(file);
      let seen = 0;
      const max = this.maxBytes;
      const cap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          done(seen > max ? new TooLarge() : null, chunk);
        },
      });
      // The body is piped by hand, not through pipeline(req, ...): a refused upload must not destroy the request, or the
      // socket goes with it before the 413 is sent.
      const written = pipeline(cap, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      const cut = (): void => void (req.complete || cap.destroy(new Error('upload cut off')));
      req.once('close', cut);
      req.once('error', cut);
      req.setTimeout(this.idleMs, () => req.destroy());
      req.pipe(cap);
      try {
        await written;
      } finally {
        req.unpipe(cap);
        req.off('close', cut);
      }
      reply(res, 200, headers, { path: file, bytes: seen });
    } catch (err) {
      if (file) await this.remove(file);
      if (err instanceof TooLarge) reply(res, 413, headers, { error: `The file is larger than this server accepts (${this.maxBytes} bytes). Copy it to the machine and open it by path.` });
      else reply(res, 400, headers, { error: 'The upload did not complete; nothing was kept. Try again.' });
    } finally {
      this.active--;
    }
  }

  /** The private folder, once the first upload made it. */
  async folder(): Promise<string | undefined> {
    return this.dir?.catch(() => undefined);
  }

  /** Whether a path is one of the uploads now on disk. */
  has(file: string): boolean {
    return this.files.has(file);
  }

  async remove(file: string): Promise<void> {
    this.files.delete(file);
    await rm(file, { force: true }).catch(() => {});
  }

  /** Removes every upload and the folder itself (made again on the next upload). */
  async removeAll(): Promise<void> {
    const dir = this.dir;
    this.dir = undefined;
    this.files.clear();
    const d = await dir?.catch(() => undefined);
    if (d) await rm(d, { recursive: true, force: true }).catch(() => {});
  }
}

function reply(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', Connection: 'close' }).end(JSON.stringify(body));
}
