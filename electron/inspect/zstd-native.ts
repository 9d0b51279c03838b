import type { Decompressor } from '../../shared/archive/compression';
import { CorruptImageError } from '../../shared/archive/errors';

// Large enough that the per-chunk JS work is noise next to decompression, small enough to stay in cache.
const OUT_CHUNK = 1024 * 1024;

/**
 * Streaming zstd through the native library (about 9× faster than fzstd). Every chunk is written into one buffer that
 * is reused for the next (StreamByteReader copies what it keeps), so gigabytes of page data cost no allocations;
 * windowLogMax caps the decoder's own memory whatever a frame header claims.
 */
export const unzstdNative: Decompressor = async function* (input) {
  // Loaded on first use, so commands that never read a zstd archive do not pay for the native module.
  const { default: binding } = await import('zstd-napi/binding.js');
  const ctx = new binding.DCtx();
  ctx.setParameter(100 /* ZSTD_d_windowLogMax */, 27);
  const dst = new Uint8Array(OUT_CHUNK);
  const none = new Uint8Array(0);
  let lastRet = 0;
  for await (const chunk of input) {
    let src = chunk;
    while (src.length > 0) {
      let ret: number;
      let produced: number;
      let consumed: number;
      try {
        [ret, produced, consumed] = ctx.decompressStream(dst, src);
      } catch (err) {
        throw new CorruptImageError('the zstd stream is corrupt', (err as Error).message);
      }
      lastRet = ret;
      src = src.subarray(consumed);
      if (produced > 0) yield dst.subarray(0, produced);
      if (consumed === 0 && produced === 0) break;
    }
    // Flush what the decoder still holds for input already given.
    for (;;) {
      let ret: number;
      let produced: number;
      try {
        [ret, produced] = ctx.decompressStream(dst, none);
      } catch (err) {
        throw new CorruptImageError('the zstd stream is corrupt', (err as Error).message);
      }
      // With no input at a frame boundary zstd returns the next frame's header size, not "done": ignore that.
      if (produced === 0) break;
      lastRet = ret;
      yield dst.subarray(0, produced);
      if (produced < OUT_CHUNK) break;
    }
  }
  if (lastRet !== 0) throw new CorruptImageError('the zstd stream ends in the middle of a frame (truncated archive)');
};
unzstdNative.reusesBuffer = true;
