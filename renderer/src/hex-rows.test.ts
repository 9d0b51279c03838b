import { describe, expect, it } from 'vitest';
import { bytesFromHex, extendPieces, hexRows, parseAddress, piecesFromApi, printableChar, windowAround } from './hex-rows';

const enc = new TextEncoder();

describe('hexRows', () => {
  it('aligns rows to 16 bytes and leaves the cells before and after a piece empty', () => {
    const rows = hexRows([{ address: 0x1004, bytes: enc.encode('ABCDEFGHIJKLMNOP') }]);
    expect(rows.map((r) => r.address)).toEqual([0x1000, 0x1010]);
    const [first, second] = rows;
    if (first?.kind !== 'bytes' || second?.kind !== 'bytes') throw new Error('expected byte rows');
    expect(first.cells.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
    expect(first.cells.slice(4).map(printableChar).join('')).toBe('ABCDEFGHIJKL');
    expect(second.cells.map(printableChar).join('')).toBe(`MNOP${' '.repeat(12)}`);
  });

  it('puts a gap on a line of its own, with its reason', () => {
    const rows = hexRows([
      { address: 0x2000, bytes: new Uint8Array(16) },
      { address: 0x2010, missing: 4096, reason: 'not mapped' },
      { address: 0x3010, bytes: new Uint8Array([0x41]) },
    ]);
    expect(rows.map((r) => r.kind)).toEqual(['bytes', 'gap', 'bytes']);
    expect(rows[1]).toEqual({ kind: 'gap', address: 0x2010, length: 4096, reason: 'not mapped' });
  });

  it('shows control and high bytes as dots', () => {
    expect([0x00, 0x1f, 0x20, 0x7e, 0x7f, 0xff].map(printableChar).join('')).toBe('.. ~..');
  });
});

describe('addresses and pieces', () => {
  it('parses addresses with or without 0x, and refuses anything else', () => {
    expect(parseAddress('0x7ffe6d365fba')).toBe(0x7ffe6d365fba);
    expect(parseAddress(' 1000 ')).toBe(0x1000);
    expect(parseAddress('0x')).toBeUndefined();
    expect(parseAddress('12g')).toBeUndefined();
    expect(parseAddress('1'.repeat(16))).toBeUndefined();
  });

  it('decodes the API pieces', () => {
    expect(piecesFromApi([{ address: '0x10', hex: '4142' }, { address: '0x12', missing: 14, reason: 'not captured' }])).toEqual([
      { address: 0x10, bytes: new Uint8Array([0x41, 0x42]) },
      { address: 0x12, missing: 14, reason: 'not captured' },
    ]);
    expect(bytesFromHex('')).toEqual(new Uint8Array(0));
  });

  it('opens a window a little before a match, row-aligned and never below 0', () => {
    expect(windowAround(0x7ffe6d365fba, 256, 1024)).toEqual({ start: 0x7ffe6d365eb0, length: 1024 });
    expect(windowAround(0x20, 256, 1024)).toEqual({ start: 0, length: 1024 });
  });

  it('adds earlier pieces in front and later ones behind', () => {
    const a = { address: 0x100, bytes: new Uint8Array(1) };
    const b = { address: 0x200, bytes: new Uint8Array(1) };
    expect(extendPieces([a], [b], 'after')).toEqual([a, b]);
    expect(extendPieces([b], [a], 'before')).toEqual([a, b]);
  });
});
