import { CorruptImageError } from './errors';

export type Compression = 'gzip' | 'zstd' | 'none';

/** Turns a compressed chunk stream into a decompressed one. Node injects a native zstd; shared/ falls back to fzstd. */
export type Decompressor = ((input: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>) & {
  /** The decompressor writes every chunk into the same buffer: a chunk is valid only until the next is asked for. */
  reusesBuffer?: boolean;
};

/** What the first bytes say: gzip and zstd by their magic, anything else is taken as uncompressed. */
export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** A tar header has "ustar" at byte 257 (POSIX and GNU alike). */
export function looksLikeTar(head: Uint8Array): boolean {
  if (head.length < 262) return false;
  return head[257] === 0x75 && head[258] === 0x73 && head[259] === 0x74 && head[260] === 0x61 && head[261] === 0x72;
}

// Pushing small slices bounds what one push can expand to (deflate tops out near 1:1032, a zstd block at 128 KiB).
const PUSH_SLICE = 16 * 1024;

type PushDecoder = { push(chunk: Uint8Array, final?: boolean): void };

async function* pushThrough(
  input: AsyncIterable<Uint8Array>,
  make: (emit: (data: Uint8Array) => void) => PushDecoder,
  what: string,
): AsyncIterable<Uint8Array> {
  const out: Uint8Array[] = [];
  const decoder = make((data) => {
    if (data.length) out.push(data);
  });
  const push = (chunk: Uint8Array, final: boolean): void => {
    try {
      decoder.push(chunk, final);
    } catch (err) {
      throw new CorruptImageError(`the ${what} stream is corrupt`, (err as Error).message);
    }
  };
  for await (const chunk of input) {
    for (let at = 0; at < chunk.length; at += PUSH_SLICE) {
      // A copy: the input's buffer may be reused for its next chunk, and fzstd keeps unfinished blocks' input.
      push(chunk.slice(at, at + PUSH_SLICE), false);
      while (out.length) yield out.shift()!;
    }
  }
  push(new Uint8Array(0), true);
  while (out.length) yield out.shift()!;
}

// The decoders are loaded when an archive needs them: most reads never touch gzip, and startup time counts.

/** gzip through fflate (pure JS; multi-member streams are fine). */
export const gunzip: Decompressor = async function* (input) {
  const { Gunzip } = await import('fflate');
  yield* pushThrough(input, (emit) => new Gunzip((d) => emit(d)), 'gzip');
};

/** zstd through fzstd (pure JS: about 9× slower than native zstd, used where no native decoder is injected). */
export const unzstdPure: Decompressor = async function* (input) {
  const { Decompress } = await import('fzstd');
  yield* pushThrough(input, (emit) => new Decompress((d) => emit(d)), 'zstd');
};
