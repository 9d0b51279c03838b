import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compress, CompressStream } from 'zstd-napi';
import { StreamByteReader } from '../../shared/archive/byte-reader';
import { CorruptImageError } from '../../shared/archive/errors';
import { unzstdFileInWorker } from './zstd-worker';

const binding = createRequire(import.meta.url).resolve('zstd-napi/binding.js');
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-zstd-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 24 MiB: several times the worker's ring, half of it compressible and half not (raw blocks), in two frames.
function sample(): Uint8Array {
  const out = new Uint8Array(24 * 1024 * 1024);
  let x = 12345;
  for (let i = 12 * 1024 * 1024; i < out.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  for (let i = 0; i < 12 * 1024 * 1024; i += 4096) out[i] = i & 255;
  return out;
}

function file(name: string, bytes: Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

async function all(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  // Copies: each chunk is a view of the ring, reused after the next is asked for.
  for await (const c of chunks) parts.push(c.slice());
  return Buffer.concat(parts);
}

describe('unzstdFileInWorker', () => {
  const data = sample();
  const half = data.length / 2;
  const zst = Buffer.concat([compress(data.subarray(0, half)), compress(data.subarray(half))]);

  it('yields exactly the decompressed bytes, across frames', async () => {
    const out = await all(unzstdFileInWorker(file('ok.zst', zst), binding));
    expect(out.length).toBe(data.length);
    expect(Buffer.compare(out, data)).toBe(0);
  });

  it('says a truncated file is truncated', async () => {
    const err = await all(unzstdFileInWorker(file('cut.zst', zst.subarray(0, zst.length - 1000)), binding)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptImageError);
    expect((err as Error).message).toMatch(/truncated/);
  });

  it('says corrupt data is corrupt', async () => {
    const bad = Uint8Array.from(zst);
    for (let i = 100; i < 400; i++) bad[i] = 0xff;
    const err = await all(unzstdFileInWorker(file('bad.zst', bad), binding)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptImageError);
  });

  it('stops the worker when the reader stops early', async () => {
    let n = 0;
    for await (const c of unzstdFileInWorker(file('early.zst', zst), binding)) {
      n += c.length;
      if (n > 3 * 1024 * 1024) break;
    }
    expect(n).toBeGreaterThan(3 * 1024 * 1024);
  });

  it('fails cleanly on a missing file', async () => {
    await expect(all(unzstdFileInWorker(path.join(dir, 'missing.zst'), binding))).rejects.toThrow(/missing\.zst/);
  });

  it('skips at the source: the bytes after a skip are the right ones, whatever the worker had already filled', async () => {
    const reader = new StreamByteReader(unzstdFileInWorker(file('skip.zst', zst), binding), Number.MAX_SAFE_INTEGER, true);
    // Skips of every size, from inside the buffered chunk to far past the ring, with reads between them.
    const plan = [[10, 100], [5, 4096], [3 * 1024 * 1024 + 7, 1000], [9 * 1024 * 1024, 64 * 1024], [1, 1], [6 * 1024 * 1024 - 1, 70_000]];
    let at = 0;
    for (const [skip, read] of plan) {
      await reader.skip(skip!);
      at += skip!;
      const got = await reader.readExact(read!);
      expect(Buffer.compare(got, data.subarray(at, at + read!))).toBe(0);
      at += read!;
    }
    expect(reader.position).toBe(at);
    await reader.skip(data.length - at);
    expect((await reader.peek(1)).length).toBe(0);
    await reader.close();
  });

  it('says the input ends early when a skip runs past its end', async () => {
    const reader = new StreamByteReader(unzstdFileInWorker(file('short.zst', zst), binding), Number.MAX_SAFE_INTEGER, true);
    await reader.readExact(10);
    await reader.skip(data.length);
    const err = await reader.peek(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptImageError);
    expect((err as Error).message).toMatch(/ends early/);
    await reader.close();
  });
});

/** Compressed as a stream (no content size in the frame header, a checksum at its end): how podman writes archives. */
async function streamed(data: Uint8Array): Promise<Buffer> {
  const out: Buffer[] = [];
  const stream = new CompressStream({ checksumFlag: true });
  stream.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
  stream.end(data);
  await ended;
  return Buffer.concat(out);
}

function random(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('unzstdFileInWorker over raw blocks in a skip', () => {
  // Text, 12 MiB of incompressible "pages" (stored as raw blocks), then text that repeats pieces of the last of those
  // pages: its blocks refer back into the raw ones, which must therefore still be read.
  const MiB = 1024 * 1024;
  const head = new TextEncoder().encode('header '.repeat(20_000));
  const pages = random(12 * MiB, 7);
  const tailParts: Uint8Array[] = [];
  for (let i = 0; i < 200; i++) {
    tailParts.push(new TextEncoder().encode(`entry ${i} `), pages.subarray(pages.length - 300_000 + i * 1000, pages.length - 300_000 + i * 1000 + 64));
  }
  const tail = Buffer.concat(tailParts);
  const data = Buffer.concat([head, pages, tail]);

  it('does not read raw blocks wholly inside a skip, and what follows is still exact', async () => {
    const zst = await streamed(data);
    const source = unzstdFileInWorker(file('raw-skip.zst', zst), binding);
    const reader = new StreamByteReader(source, Number.MAX_SAFE_INTEGER, true);
    expect(Buffer.compare(await reader.readExact(head.length), head)).toBe(0);
    await reader.skip(pages.length);
    expect(Buffer.compare(await reader.readExact(tail.length), tail)).toBe(0);
    expect((await reader.peek(1)).length).toBe(0);
    await reader.close();
    // Most of the pages were never read; the last window's worth before the referring text was.
    expect(source.droppedBytes()).toBeGreaterThan(4 * MiB);
    expect(source.droppedBytes()).toBeLessThan(pages.length);
  });

  it('reads everything, checksum verified, when nothing is skipped', async () => {
    const zst = await streamed(data);
    const source = unzstdFileInWorker(file('raw-all.zst', zst), binding);
    const out = await all(source);
    expect(Buffer.compare(out, data)).toBe(0);
    expect(source.droppedBytes()).toBe(0);
    const bad = Buffer.from(zst);
    bad[bad.length - 1]! ^= 0xff; // the frame's checksum
    const err = await all(unzstdFileInWorker(file('raw-badsum.zst', bad), binding)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptImageError);
  });

  it('says a stream cut inside the skipped pages is truncated', async () => {
    const zst = await streamed(data);
    const reader = new StreamByteReader(unzstdFileInWorker(file('raw-cut.zst', zst.subarray(0, Math.floor(zst.length / 2))), binding), Number.MAX_SAFE_INTEGER, true);
    await reader.readExact(head.length);
    await reader.skip(pages.length);
    const err = await reader.readExact(tail.length).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptImageError);
    await reader.close();
  });

  it('ends every corrupt variant (flipped bytes, block headers, sizes, cuts) in the data or a CorruptImageError, never a hang', async () => {
    const zst = await streamed(Buffer.concat([head, pages.subarray(0, 3 * MiB), tail]));
    let seed = 99;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    // Block headers sit after the 6-byte frame header and after each block; flipping bytes near the start, inside
    // and at the end (checksum) reaches headers, raw contents and compressed blocks alike.
    const variants: Array<{ name: string; bytes: Uint8Array }> = [];
    for (let i = 0; i < 40; i++) {
      const b = Buffer.from(zst);
      const at = i < 10 ? 6 + rand(64) : i < 30 ? rand(b.length) : b.length - 1 - rand(8);
      b[at] = b[at]! ^ (1 << rand(8));
      variants.push({ name: `flip-${i}`, bytes: b });
    }
    for (let i = 0; i < 10; i++) variants.push({ name: `cut-${i}`, bytes: zst.subarray(0, 6 + rand(zst.length - 6)) });
    // A block header claiming the largest size there is, and one of the reserved type.
    const huge = Buffer.from(zst);
    huge.set([0xf8, 0xff, 0xff], 6);
    const reserved = Buffer.from(zst);
    reserved[6] = (reserved[6]! & ~6) | 6;
    variants.push({ name: 'huge-block', bytes: huge }, { name: 'reserved-block', bytes: reserved });
    for (const v of variants) {
      const reader = new StreamByteReader(unzstdFileInWorker(file(`fuzz-${v.name}.zst`, v.bytes), binding), Number.MAX_SAFE_INTEGER, true);
      const outcome = await (async () => {
        await reader.readExact(head.length);
        await reader.skip(3 * MiB);
        await reader.readExact(tail.length);
        return 'read';
      })().catch((err: unknown) => err);
      await reader.close();
      if (outcome !== 'read') expect(outcome, v.name).toBeInstanceOf(CorruptImageError);
    }
  }, 60_000);
});
