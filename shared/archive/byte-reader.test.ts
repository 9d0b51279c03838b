import { describe, expect, it } from 'vitest';
import { StreamByteReader } from './byte-reader';

/** Yields `data` in pieces of `size` bytes, all written into one buffer, as a native decompressor does. */
async function* reusing(data: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  const buf = new Uint8Array(size);
  for (let at = 0; at < data.length; at += size) {
    const n = Math.min(size, data.length - at);
    buf.set(data.subarray(at, at + n));
    yield buf.subarray(0, n);
    buf.fill(0xee); // whatever the reader kept a view of is now garbage
  }
}

describe('StreamByteReader over a source that reuses its buffer', () => {
  const data = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);

  it('keeps what readExact returned intact after later reads', async () => {
    for (const piece of [1, 5, 64, 333, 4096]) {
      const r = new StreamByteReader(reusing(data, piece), Number.MAX_SAFE_INTEGER, true);
      const kept: Array<[number, Uint8Array]> = [];
      let at = 0;
      for (const n of [3, 100, 1, 700, 2048, 17]) {
        kept.push([at, await r.readExact(n)]);
        at += n;
        const peeked = await r.peek(9);
        expect([...peeked], `peek at ${at}, piece ${piece}`).toEqual([...data.subarray(at, at + 9)]);
        await r.skip(50);
        at += 50;
      }
      let sum = 0;
      await r.forEach(1000, (slice) => {
        for (const b of slice) sum += b;
      });
      expect(sum).toBe(data.subarray(at, at + 1000).reduce((s, b) => s + b, 0));
      for (const [off, bytes] of kept) expect([...bytes], `piece ${piece} at ${off}`).toEqual([...data.subarray(off, off + bytes.length)]);
    }
  });
});
