import { describe, expect, it } from 'vitest';
import { StasisError } from '../api/errors';
import type { DecodedImage } from '../criu/image';
import { ProcessMemory } from './memory';
import { compileQuery, hexdump, MemorySearcher, parseHex, parseRange, readRange, streamPlan, vmaInfo, type MemMatch } from './memory-search';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Memory of 3 pages at 0x10000 holding `text` at `at`, fed in pieces of `piece` bytes. */
function feedAll(searcher: MemorySearcher, memory: Uint8Array, base: number, piece: number): MemMatch[] {
  for (let i = 0; i < memory.length; i += piece) searcher.feed(base + i, memory.subarray(i, Math.min(memory.length, i + piece)));
  return searcher.matches;
}

function memoryWith(parts: Array<[number, string]>, size = 3 * 4096): Uint8Array {
  const m = new Uint8Array(size).fill(0x2e);
  for (const [at, text] of parts) m.set(enc.encode(text), at);
  return m;
}

describe('MemorySearcher', () => {
  const memory = memoryWith([[100, 'NEEDLE-one'], [4090, 'NEEDLE-two'], [8000, 'NEEDLE-three']]);

  it('finds every match, with its address, whatever the piece size (matches across pieces included)', () => {
    for (const piece of [1, 3, 7, 64, 4096, 5000, memory.length]) {
      const got = feedAll(new MemorySearcher(compileQuery({ kind: 'text', text: 'NEEDLE-' }), 100, 4), memory, 0x10000, piece);
      expect(got.map((m) => m.address), `piece ${piece}`).toEqual([0x10000 + 100, 0x10000 + 4090, 0x10000 + 8000]);
      expect(got.map((m) => dec.decode(m.context)), `piece ${piece}`).toEqual(['....NEEDLE-one.', '....NEEDLE-two.', '....NEEDLE-thre']);
      expect(got[1]!.contextAddress).toBe(0x10000 + 4086);
    }
  });

  it('does not join pieces whose addresses are not contiguous', () => {
    const s = new MemorySearcher(compileQuery({ kind: 'text', text: 'ABCD' }), 100, 8);
    s.feed(0x1000, enc.encode('xxAB'));
    s.feed(0x3000, enc.encode('CDxx'));
    s.feed(0x5000, enc.encode('ABCD'));
    expect(s.matches.map((m) => m.address)).toEqual([0x5000]);
    expect(dec.decode(s.matches[0]!.context)).toBe('ABCD');
  });

  it('stops at the cap but still completes the context of the last match', () => {
    const s = new MemorySearcher(compileQuery({ kind: 'text', text: 'NEEDLE' }), 1, 6);
    s.feed(0, enc.encode('..NEEDLE'));
    expect(s.full).toBe(true);
    expect(s.wantsMore).toBe(true);
    s.feed(8, enc.encode('-one NEEDLE'));
    expect(s.wantsMore).toBe(false);
    expect(s.matches).toHaveLength(1);
    expect(dec.decode(s.matches[0]!.context)).toBe('..NEEDLE-one N');
  });

  it('searches hex bytes and regexes over raw bytes', () => {
    const bytes = new Uint8Array([0, 0xde, 0xad, 0xbe, 0xef, 0, 0xde, 0xad]);
    const hex = feedAll(new MemorySearcher(compileQuery({ kind: 'hex', hex: 'de ad be ef' }), 10, 0), bytes, 0x400, 3);
    expect(hex.map((m) => m.address)).toEqual([0x401]);
    const re = feedAll(new MemorySearcher(compileQuery({ kind: 'regex', source: 'key=[0-9]+;' }), 10, 0), memoryWith([[4094, 'key=12345;'], [9000, 'key=;key=7;']]), 0, 4096);
    expect(re.map((m) => [m.address, dec.decode(m.bytes)])).toEqual([[4094, 'key=12345;'], [9005, 'key=7;']]);
    // Bytes above 0x7f are matched one to one (Latin-1), so offsets stay byte offsets.
    const high = feedAll(new MemorySearcher(compileQuery({ kind: 'regex', source: '\\xff\\xfeZ' }), 10, 0), new Uint8Array([0x80, 0x9f, 0xff, 0xfe, 0x5a]), 0, 5);
    expect(high.map((m) => m.address)).toEqual([2]);
  });

  it('refuses bad patterns with a one-line reason', () => {
    for (const q of [{ kind: 'hex', hex: 'xyz' }, { kind: 'hex', hex: 'abc' }, { kind: 'hex', hex: '' }, { kind: 'regex', source: '(' }, { kind: 'text', text: '' }, { kind: 'text', text: 'x'.repeat(5000) }] as const) {
      expect(() => compileQuery(q)).toThrow(StasisError);
      try {
        compileQuery(q);
      } catch (err) {
        expect((err as Error).message).not.toContain('\n');
      }
    }
  });
});

describe('argument parsing', () => {
  it('reads hex in the usual spellings', () => {
    expect([...parseHex('0xDEADbeef')]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect([...parseHex('de:ad be\tef')]).toEqual([0xde, 0xad, 0xbe, 0xef]);
  });

  it('reads ADDR:LEN with hex addresses, decimal or hex lengths and K/M suffixes, within the cap', () => {
    expect(parseRange('0x7f00:256')).toEqual({ address: 0x7f00, length: 256 });
    expect(parseRange('7f00:0x100')).toEqual({ address: 0x7f00, length: 256 });
    expect(parseRange('1000:4k')).toEqual({ address: 0x1000, length: 4096 });
    for (const bad of ['7f00', '7f00:', 'zz:1', '10:-1', '10:0', '10:2M', '10:1.5']) expect(() => parseRange(bad), bad).toThrow(StasisError);
  });
});

describe('hexdump', () => {
  it('prints the classic 16-bytes-a-line layout', () => {
    const lines = hexdump(0x7f0000001000, enc.encode('Hello, world!\n\0\u0001ABC'));
    expect(lines).toEqual([
      '7f0000001000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  |Hello, world!...|',
      '7f0000001010  41 42 43                                          |ABC|',
    ]);
  });
});

function pagemap(runs: Array<[vaddr: number, pages: number, flags: number]>): DecodedImage {
  return { file: 'pagemap-5.img', kind: 'PAGEMAP', extraBytes: 0, entries: [{ pages_id: 5 }, ...runs.map(([vaddr, nr_pages, flags]) => ({ vaddr, nr_pages, flags }))] };
}

describe('reading pages', () => {
  // Two runs in the pages file (PE_PRESENT = 4) and one kept in a parent image (PE_PARENT | PE_PRESENT).
  const pm = pagemap([[0x10000, 2, 4], [0x20000, 1, 5], [0x30000, 1, 4]]);

  it('maps streamed file offsets back to addresses, across runs', () => {
    const images = new Map([['pagemap-5.img', pm]]);
    const got: Array<[number, number]> = [];
    const plan = streamPlan(5, (address, bytes) => got.push([address, bytes.length]))('pages-5.img', images)!;
    expect(plan.ranges).toEqual([{ offset: 0, length: 8192 }, { offset: 8192, length: 4096 }]);
    plan.visit(0, new Uint8Array(5000));
    plan.visit(5000, new Uint8Array(7288));
    expect(got).toEqual([[0x10000, 5000], [0x10000 + 5000, 3192], [0x30000, 4096]]);
    expect(streamPlan(5, () => undefined)('pages-6.img', images)).toBeUndefined();
    expect(streamPlan(6, () => undefined)('pages-5.img', images)).toBeUndefined();
  });

  it('reads a range with gaps for pages the checkpoint does not hold', async () => {
    const file = new Uint8Array(3 * 4096).map((_, i) => i & 0xff);
    const mem = new ProcessMemory(5, [{ vaddr: 0x10000, length: 8192, fileOffset: 0 }, { vaddr: 0x20000, length: 4096, fileOffset: -1 }, { vaddr: 0x30000, length: 4096, fileOffset: 8192 }], {
      name: 'pages-5.img', size: file.length, captured: [], access: { size: file.length, read: async (o, l) => file.slice(o, o + l) },
    });
    const vmas = vmaInfo([{ start: '0x10000', end: '0x21000', sizeBytes: 0x11000, rssBytes: 0, prot: 'rw-', kind: 'anon' }]);
    const pieces = await readRange(mem, vmas, 0x11ff0, 0x20000 - 0x11ff0 + 16);
    expect(pieces.map((p) => ('missing' in p ? [p.address, p.missing, p.reason] : [p.address, p.bytes.length, p.bytes[0]]))).toEqual([
      [0x11ff0, 16, 0xf0],
      [0x12000, 0xe010, 'not in the checkpoint (never touched, or in a parent image)'],
    ]);
    const unmapped = await readRange(mem, vmas, 0x40000, 16);
    expect(unmapped).toEqual([{ address: 0x40000, missing: 16, reason: 'not mapped' }]);
  });
});
