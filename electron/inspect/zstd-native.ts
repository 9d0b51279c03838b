import binding from 'zstd-napi/binding.js';
import type { Decompressor } from '../../shared/archive/compression';
import { CorruptImageError } from '../../shared/archive/errors';

const OUT_CHUNK = 1024 * 1024;

/**
 * Streaming zstd through the native library (about 9× faster than fzstd). Each output chunk is a fresh buffer the
 * reader may keep slices of; windowLogMax caps the decoder's own memory whatever a frame header claims.
 */
export const unzstdNative: Decompressor = async function* (input) {
  const ctx = new binding.DCtx();
  ctx.setParameter(100 /* ZSTD_d_windowLogMax */, 27);
  let lastRet = 0;
  for await (const chunk of input) {
    let src = chunk;
    while (src.length > 0) {
      const dst = new Uint8Array(OUT_CHUNK);
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
      const dst = new Uint8Array(OUT_CHUNK);
      const [ret, produced] = ctx.decompressStream(dst, new Uint8Array(0));
      // With no input at a frame boundary zstd returns the next frame's header size, not "done": ignore that.
      if (produced === 0) break;
      lastRet = ret;
      yield dst.subarray(0, produced);
      if (produced < OUT_CHUNK) break;
    }
  }
  if (lastRet !== 0) throw new CorruptImageError('the zstd stream ends in the middle of a frame (truncated archive)');
};
