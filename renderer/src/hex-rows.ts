/** A dumped piece as the renderer keeps it: bytes from `address` on, or a gap with the reason. */
export type DumpPieceView = { address: number; bytes: Uint8Array } | { address: number; missing: number; reason: string };

/** One line of a hexdump: 16 cells aligned to a 16-byte boundary (undefined where the piece does not cover it). */
export type HexRow = { kind: 'bytes'; address: number; cells: Array<number | undefined> } | { kind: 'gap'; address: number; length: number; reason: string };

export const ROW_BYTES = 16;

/** "0x7ffe…" (or bare hex digits) as a number; undefined when it is not an address. */
export function parseAddress(text: string): number | undefined {
  const m = /^\s*(?:0x)?([0-9a-fA-F]{1,15})\s*$/.exec(text);
  return m ? parseInt(m[1]!, 16) : undefined;
}

export function formatAddress(n: number, width = 12): string {
  return n.toString(16).padStart(width, '0');
}

export function bytesFromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** What `images.memDump` returns, with addresses as numbers and bytes decoded. */
export function piecesFromApi(pieces: ReadonlyArray<{ address: string; hex: string } | { address: string; missing: number; reason: string }>): DumpPieceView[] {
  return pieces.map((p) => {
    const address = parseInt(p.address.slice(2), 16);
    return 'hex' in p ? { address, bytes: bytesFromHex(p.hex) } : { address, missing: p.missing, reason: p.reason };
  });
}

/** Lays pieces out as hexdump rows; a row never mixes two pieces, so a gap always starts a line of its own. */
export function hexRows(pieces: readonly DumpPieceView[]): HexRow[] {
  const rows: HexRow[] = [];
  for (const p of pieces) {
    if ('missing' in p) {
      rows.push({ kind: 'gap', address: p.address, length: p.missing, reason: p.reason });
      continue;
    }
    const end = p.address + p.bytes.length;
    for (let row = p.address - (p.address % ROW_BYTES); row < end; row += ROW_BYTES) {
      const cells: Array<number | undefined> = [];
      for (let a = row; a < row + ROW_BYTES; a++) cells.push(a >= p.address && a < end ? p.bytes[a - p.address] : undefined);
      rows.push({ kind: 'bytes', address: row, cells });
    }
  }
  return rows;
}

export function printableChar(b: number | undefined): string {
  if (b === undefined) return ' ';
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

/** The window first shown around a match: a little before it, row-aligned, never below address 0. */
export function windowAround(address: number, before: number, length: number): { start: number; length: number } {
  const start = Math.max(0, address - before);
  const aligned = start - (start % ROW_BYTES);
  return { start: aligned, length };
}

/** Adds pieces read just before or after the ones shown, keeping address order. */
export function extendPieces(shown: readonly DumpPieceView[], added: readonly DumpPieceView[], side: 'before' | 'after'): DumpPieceView[] {
  return side === 'before' ? [...added, ...shown] : [...shown, ...added];
}
