import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prestartZstdWorker } from './zstd-worker';

/**
 * zstd-napi's binding, resolved from this (ESM) chunk for the decompression worker, so decompression runs on another
 * core than the parsing (the Electron main process, a CommonJS bundle, keeps zstd on its own thread). Unresolvable →
 * zstd stays on this thread.
 */
let binding: string | null | undefined;

export function zstdBinding(): string | undefined {
  if (binding === undefined) {
    try {
      binding = createRequire(import.meta.url).resolve('zstd-napi/binding.js');
    } catch {
      binding = null;
    }
  }
  return binding ?? undefined;
}

/** Whether the file starts with zstd's magic (anything unreadable is left to the reader to report). */
function isZstdFile(target: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(target, 'r');
    const head = new Uint8Array(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Starts the decompression worker on a .tar.zst before anything else of the command loads: a worker thread takes
 * tens of milliseconds to boot, the longest single wait of a short `stasis inspect`. The reader takes it over.
 */
const asked = new Set<string>();

export function prestartFor(target: string): void {
  // Once per file: the reader may already have taken over (and finished with) a worker started for it.
  if (asked.has(target)) return;
  asked.add(target);
  const resolved = zstdBinding();
  if (resolved && isZstdFile(target)) prestartZstdWorker(target, resolved);
}
