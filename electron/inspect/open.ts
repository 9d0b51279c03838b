import { createReadStream } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { StreamByteReader, type RandomAccess } from '../../shared/archive/byte-reader';
import { CorruptImageError, withLimits, type ReaderLimits } from '../../shared/archive/errors';
import { archiveSource, type CheckpointSource, type Idle, type SourceFile } from '../../shared/archive/source';
import { StasisError } from '../../shared/api/stasis-error';
import { unzstdNative } from './zstd-native';
import { unzstdFileInWorker } from './zstd-worker';

const CHUNK = 1024 * 1024;
const ARCHIVE_CHUNK = 2 * 1024 * 1024;
const PROBE_CHUNK = 64 * 1024;

/** Open file handles for random access, closed together when the caller is done with the checkpoint. */
export class FileHandles {
  private readonly handles = new Map<string, Promise<FileHandle>>();

  access(file: string, size: number): RandomAccess {
    return {
      size,
      read: async (offset, length) => {
        let h = this.handles.get(file);
        if (!h) {
          h = open(file, 'r');
          this.handles.set(file, h);
        }
        const buf = new Uint8Array(length);
        let got = 0;
        while (got < length) {
          const { bytesRead } = await (await h).read(buf, got, length - got, offset + got);
          if (bytesRead === 0) throw new CorruptImageError(`${file} ends early (wanted ${length} bytes at ${offset})`);
          got += bytesRead;
        }
        return buf;
      },
    };
  }

  async close(): Promise<void> {
    const all = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(all.map(async (h) => (await h).close().catch(() => undefined)));
  }
}

function chunks(file: string): AsyncIterable<Uint8Array> {
  return createReadStream(file, { highWaterMark: CHUNK }) as AsyncIterable<Uint8Array>;
}

/**
 * A whole archive read through two buffers, over and over: hundreds of megabytes of input cost no allocations, and the
 * next read is already under way while the decompressor works on the current chunk. Each chunk is valid until the
 * next is asked for (the decompressor consumes it completely before that).
 */
async function* reusedChunks(file: string): AsyncIterable<Uint8Array> {
  const h = await open(file, 'r');
  // The first two reads are small: often only the magic is looked at before a worker takes the file over, and
  // megabytes read (and kept in memory) for nothing would show in peak memory.
  const bufs = [new Uint8Array(PROBE_CHUNK), new Uint8Array(PROBE_CHUNK)];
  let turn = 0;
  let reads = 1;
  let pending: Promise<{ bytesRead: number }> | undefined = h.read(bufs[0]!, 0, PROBE_CHUNK, null);
  try {
    while (pending) {
      const { bytesRead } = await pending;
      pending = undefined;
      if (bytesRead === 0) return;
      const current = bufs[turn]!;
      turn ^= 1;
      if (++reads > 2 && bufs[turn]!.length < ARCHIVE_CHUNK) bufs[turn] = new Uint8Array(ARCHIVE_CHUNK);
      pending = h.read(bufs[turn]!, 0, bufs[turn]!.length, null);
      yield current.subarray(0, bytesRead);
    }
  } finally {
    // A read still in flight must finish before its file is closed.
    await pending?.catch(() => undefined);
    await h.close();
  }
}

/** A raw CRIU image directory, a Docker checkpoint directory, or podman's --keep directory, read in place. */
function directorySource(dir: string, handles: FileHandles, limits: ReaderLimits): CheckpointSource {
  return {
    label: dir,
    format: 'directory',
    rewalkable: true,
    async walk(visit) {
      let count = 0;
      const walkDir = async (rel: string, depth: number): Promise<void> => {
        const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const e of entries) {
          if (++count > limits.maxFiles) throw new CorruptImageError(`${dir} has more than ${limits.maxFiles} files`);
          const relPath = rel ? `${rel}/${e.name}` : e.name;
          const full = path.join(dir, relPath);
          // Only podman's checkpoint/ subdirectory matters; symlinks are never followed.
          if (e.isDirectory()) {
            if (depth === 0 && e.name === 'checkpoint') await walkDir(relPath, depth + 1);
            continue;
          }
          if (!e.isFile()) continue;
          const size = (await stat(full)).size;
          const file: SourceFile = {
            path: relPath,
            type: 'file',
            size,
            window: () => handles.access(full, size),
            reader: () => new StreamByteReader(chunks(full)),
          };
          await visit(file);
        }
      };
      await walkDir('', 0);
    },
  };
}

export interface OpenOptions {
  limits?: Partial<ReaderLimits>;
  /**
   * The resolved path of zstd-napi's binding.js: a .tar.zst archive is then decompressed in a worker thread, in
   * parallel with the parsing on this one. Without it zstd runs on this thread.
   */
  zstdWorkerBinding?: string;
}

/** Opens whatever the user pointed at: a directory, or a .tar / .tar.gz / .tar.zst archive (detected by magic). */
export async function openCheckpointSource(target: string, options: OpenOptions = {}): Promise<{ source: CheckpointSource; handles: FileHandles; limits: ReaderLimits }> {
  const limits = withLimits(options.limits);
  const handles = new FileHandles();
  let info;
  try {
    info = await stat(target);
  } catch (err) {
    throw new StasisError('not-found', `${target} does not exist`, (err as Error).message);
  }
  if (info.isDirectory()) return { source: directorySource(target, handles, limits), handles, limits };
  if (!info.isFile()) throw new CorruptImageError(`${target} is neither a file nor a directory`);
  const source = await archiveSource(
    {
      label: target,
      open: () => reusedChunks(target),
      reusesBuffer: true,
      reopenable: true,
      random: handles.access(target, info.size),
      ...(options.zstdWorkerBinding
        ? { decompressed: (c: 'gzip' | 'zstd', idle?: Idle) => (c === 'zstd' ? unzstdFileInWorker(target, options.zstdWorkerBinding!, idle) : undefined) }
        : {}),
    },
    limits,
    { zstd: unzstdNative },
  );
  return { source, handles, limits };
}
