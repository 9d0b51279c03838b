import { RandomAccessByteReader, StreamByteReader, type ByteReader, type RandomAccess } from './byte-reader';
import { detectCompression, looksLikeTar, gunzip, unzstdPure, type Compression, type Decompressor } from './compression';
import { CorruptImageError, type ReaderLimits } from './errors';
import { readTar, type TarMemberType } from './tar';

/** One file of a checkpoint, wherever it lives (a directory, a tar member, a compressed tar member). */
export interface SourceFile {
  /** Path relative to the checkpoint's root, "/"-separated, never escaping it. */
  path: string;
  type: TarMemberType;
  size: number;
  /** Its data in order; call at most once, before the walk moves on. */
  reader(): ByteReader;
  /** Random access to its data when the source can seek (directories, uncompressed tar files). Call before reader(). */
  window(): RandomAccess | undefined;
}

/** A checkpoint's files, visited one at a time in the order the source holds them. */
export interface CheckpointSource {
  readonly label: string;
  readonly format: 'directory' | `tar${'' | '+gzip' | '+zstd'}`;
  /** walk() may be called again: a second pass for page ranges only known once every image has been read. */
  readonly rewalkable?: boolean;
  walk(visit: (file: SourceFile) => Promise<void>, options?: WalkOptions): Promise<void>;
}

export type Idle = (inputReady: () => boolean) => boolean;

export interface WalkOptions {
  /**
   * Called while the walk waits for its input (a decompressor running ahead in another thread): does the caller's
   * deferred work until `inputReady()` says input has arrived, and says whether any work is left. What it throws ends
   * the walk.
   */
  idle?: Idle;
}

export interface Decompressors {
  gzip?: Decompressor;
  zstd?: Decompressor;
}

export interface ArchiveInput {
  label: string;
  /** The archive's bytes from the start, as chunks (opened once, or once per walk when `reopenable`). */
  open(): AsyncIterable<Uint8Array>;
  /** open() and decompressed() may be called again, for a second walk (a file can be; a stream cannot). */
  reopenable?: boolean;
  /** Random access, when the archive is a file; used to skip page data without reading it. */
  random?: RandomAccess;
  /** open() yields every chunk in the same buffer (valid until the next is asked for). */
  reusesBuffer?: boolean;
  /**
   * The archive's decompressed bytes, when the input can produce them itself (Node: a worker thread reading and
   * decompressing the file, so decompression overlaps the parsing here); undefined to decompress open()'s chunks.
   * Chunks are valid until the next is asked for. `idle` is the walk's (WalkOptions.idle), for the waits.
   */
  decompressed?(compression: Exclude<Compression, 'none'>, idle?: Idle): AsyncIterable<Uint8Array> | undefined;
}

/** Detects gzip / zstd / plain tar by magic bytes and reads the archive as a stream. */
export async function archiveSource(input: ArchiveInput, limits: ReaderLimits, decompressors: Decompressors = {}): Promise<CheckpointSource> {
  const firstProbe = new StreamByteReader(input.open(), limits.maxTotalBytes, input.reusesBuffer === true);
  const head = await firstProbe.peek(512);
  const compression: Compression = detectCompression(head);
  if (compression === 'none' && !looksLikeTar(head)) {
    if (head.length === 0) throw new CorruptImageError(`${input.label} is empty`);
    throw new CorruptImageError(`${input.label} is not a checkpoint archive (not tar, gzip or zstd)`);
  }
  const format = compression === 'none' ? 'tar' : compression === 'gzip' ? 'tar+gzip' : 'tar+zstd';
  let walks = 0;
  return {
    label: input.label,
    format,
    rewalkable: input.reopenable === true,
    async walk(visit, options = {}) {
      if (walks++ > 0 && !input.reopenable) throw new Error(`${input.label} is a stream: it cannot be read twice`);
      // A second walk starts over from the archive's first byte.
      const probe = walks === 1 ? firstProbe : new StreamByteReader(input.open(), limits.maxTotalBytes, input.reusesBuffer === true);
      let reader: ByteReader;
      let inflated: StreamByteReader | undefined;
      try {
        if (compression === 'none') {
          reader = input.random ? new RandomAccessByteReader(input.random) : probe;
        } else {
          const own = input.decompressed?.(compression, options.idle);
          if (own) {
            // The probe's file is not needed any more: the decompressed bytes come from elsewhere.
            await probe.close();
            reader = inflated = new StreamByteReader(own, limits.maxTotalBytes, true);
          } else {
            const decompress = compression === 'gzip' ? (decompressors.gzip ?? gunzip) : (decompressors.zstd ?? unzstdPure);
            reader = inflated = new StreamByteReader(decompress(probe.rest()), limits.maxTotalBytes, decompress.reusesBuffer === true);
          }
          const first = await reader.peek(512);
          if (!looksLikeTar(first)) throw new CorruptImageError(`${input.label}: the ${compression} data inside is not a tar archive`);
        }
        await readTar(reader, { limits, allowOutsideLinks: false }, async (member, body) => {
          await visit({ path: member.path, type: member.type, size: body.size, reader: () => body.reader, window: () => body.window() });
        });
      } finally {
        // The tar's end, or an error, leaves the streams unfinished: close them so the archive's file is released.
        await inflated?.close();
        await probe.close();
      }
    },
  };
}
