import { StasisError } from '../api/stasis-error';
import type { DecodedImage } from '../criu/image';
import type { PageStream } from './checkpoint';
import { fileRanges, pageRuns, ProcessMemory, type PageRun } from './memory';
import type { VmaView } from './report';

/** What `stasis mem` looks for. Text is matched as its UTF-8 bytes; a regex runs over bytes read as Latin-1. */
export type MemQuery = { kind: 'text'; text: string } | { kind: 'hex'; hex: string } | { kind: 'regex'; source: string };

export const MEM_LIMITS = {
  maxPatternBytes: 4096,
  maxMatches: 10_000,
  defaultMatches: 100,
  maxContext: 1024,
  defaultContext: 32,
  maxDumpBytes: 1024 * 1024,
  /** A regex match may span a run boundary by at most this many bytes before the boundary. */
  regexOverlap: 4096,
  /** Bytes read at a time when the pages can be read at random. */
  readChunk: 1024 * 1024,
};

function badRequest(message: string): StasisError {
  return new StasisError('bad-request', message);
}

/** How refusals name what the user typed: the CLI's flags by default, a form's fields in the app. */
export interface QueryNames {
  text: string;
  regex: string;
  hex: string;
}

export const CLI_QUERY_NAMES: QueryNames = { text: '--search', regex: '--regex', hex: '--hex' };

/** Parses "de ad be ef", "0xdeadbeef" or "de:ad:be:ef" into bytes; anything else is refused with the reason. */
export function parseHex(text: string, names: QueryNames = CLI_QUERY_NAMES): Uint8Array {
  const clean = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (clean === '') throw badRequest(`${names.hex} needs at least one byte, e.g. "de ad be ef"`);
  if (!/^[0-9a-fA-F]*$/.test(clean)) throw badRequest(`${names.hex} ${JSON.stringify(text)} holds characters that are not hex digits`);
  if (clean.length % 2) throw badRequest(`${names.hex} ${JSON.stringify(text)} has an odd number of hex digits`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Parses "ADDR:LEN": ADDR in hex (0x optional), LEN in decimal or 0x-hex, with an optional K or M suffix. */
export function parseRange(text: string): { address: number; length: number } {
  const m = /^(?:0x)?([0-9a-fA-F]+):(0x[0-9a-fA-F]+|\d+)([kKmM]?)$/.exec(text.trim());
  if (!m) throw badRequest(`--dump ${JSON.stringify(text)} is not ADDR:LEN (e.g. 0x7f3a1c000000:256)`);
  const address = parseInt(m[1]!, 16);
  const unit = m[3]!.toLowerCase() === 'k' ? 1024 : m[3]!.toLowerCase() === 'm' ? 1024 * 1024 : 1;
  const length = Number(m[2]!) * unit;
  if (!Number.isSafeInteger(address) || address + length > 2 ** 57) throw badRequest(`--dump address ${m[1]} is outside any user address space`);
  if (length <= 0) throw badRequest('--dump length must be more than 0');
  if (length > MEM_LIMITS.maxDumpBytes) throw badRequest(`--dump length ${length} is over the ${MEM_LIMITS.maxDumpBytes}-byte cap`);
  return { address, length };
}

/** The bytes a text or hex query looks for, or the compiled regex; bad input is refused with a one-line reason. */
export function compileQuery(q: MemQuery, names: QueryNames = CLI_QUERY_NAMES): { bytes: Uint8Array } | { regex: RegExp } {
  if (q.kind === 'regex') {
    if (q.source === '') throw badRequest(`${names.regex} needs a pattern`);
    if (q.source.length > MEM_LIMITS.maxPatternBytes) throw badRequest(`${names.regex} is over ${MEM_LIMITS.maxPatternBytes} characters`);
    try {
      return { regex: new RegExp(q.source, 'g') };
    } catch (err) {
      throw badRequest(`${names.regex} ${JSON.stringify(q.source)} is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
    }
  }
  const bytes = q.kind === 'hex' ? parseHex(q.hex, names) : new TextEncoder().encode(q.text);
  if (bytes.length === 0) throw badRequest(`${names.text} needs some text`);
  if (bytes.length > MEM_LIMITS.maxPatternBytes) throw badRequest(`the pattern is ${bytes.length} bytes, over the ${MEM_LIMITS.maxPatternBytes}-byte cap`);
  return { bytes };
}

export interface MemMatch {
  address: number;
  length: number;
  /** The matched bytes (up to 256 of them). */
  bytes: Uint8Array;
  /** Bytes around the match, from `contextAddress` on (the match included); cut short at the edge of dumped memory. */
  contextAddress: number;
  context: Uint8Array;
}

const latin1 = new TextDecoder('latin1');

function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function* findAll(hay: Uint8Array, pattern: { bytes: Uint8Array } | { regex: RegExp }): Generator<{ start: number; end: number }> {
  if ('bytes' in pattern) {
    for (let i = indexOfBytes(hay, pattern.bytes, 0); i !== -1; i = indexOfBytes(hay, pattern.bytes, i + 1)) yield { start: i, end: i + pattern.bytes.length };
    return;
  }
  // Latin-1 maps each byte to one UTF-16 unit, so string indexes are byte offsets.
  const text = latin1.decode(hay);
  const re = new RegExp(pattern.regex.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    yield { start: m.index, end: m.index + m[0].length };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Finds a pattern in memory fed to it run by run in rising address order, in pieces of any size. A tail of the last
 * piece is kept, so matches across piece boundaries are found while the addresses stay contiguous; context after a
 * match is completed from the following pieces.
 */
export class MemorySearcher {
  readonly matches: MemMatch[] = [];
  private tail: Uint8Array = new Uint8Array(0);
  private tailEnd = -1;
  private pending: Array<{ match: MemMatch; need: number }> = [];
  private readonly keep: number;
  private readonly overlap: number;
  searchedBytes = 0;

  constructor(
    private readonly pattern: { bytes: Uint8Array } | { regex: RegExp },
    private readonly max: number,
    private readonly contextBytes: number,
  ) {
    this.overlap = 'bytes' in pattern ? pattern.bytes.length - 1 : MEM_LIMITS.regexOverlap;
    // A match found at the seam may start at the head of the tail; its leading context must still be there.
    this.keep = this.overlap + contextBytes;
  }

  get full(): boolean {
    return this.matches.length >= this.max;
  }

  /** Whether feeding more could change the result. */
  get wantsMore(): boolean {
    return !this.full || this.pending.length > 0;
  }

  feed(address: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (address !== this.tailEnd) {
      this.pending = [];
      this.tail = new Uint8Array(0);
    }
    for (const p of this.pending) {
      const take = bytes.subarray(0, p.need);
      p.match.context = concat(p.match.context, take);
      p.need -= take.length;
    }
    this.pending = this.pending.filter((p) => p.need > 0);
    if (!this.full) {
      this.searchedBytes += bytes.length;
      const tail = this.tail;
      const regionStart = address - tail.length;
      const slice = (from: number, to: number): Uint8Array => {
        from = Math.max(0, from);
        to = Math.min(tail.length + bytes.length, to);
        if (to <= tail.length) return tail.slice(from, to);
        if (from >= tail.length) return bytes.slice(from - tail.length, to - tail.length);
        return concat(tail.subarray(from), bytes.subarray(0, to - tail.length));
      };
      const record = (start: number, end: number): void => {
        if (this.full) return;
        const ctxFrom = Math.max(0, start - this.contextBytes);
        const ctxTo = end + this.contextBytes;
        const match: MemMatch = {
          address: regionStart + start,
          length: end - start,
          bytes: slice(start, Math.min(end, start + 256)),
          contextAddress: regionStart + ctxFrom,
          context: slice(ctxFrom, ctxTo),
        };
        this.matches.push(match);
        const need = ctxTo - (tail.length + bytes.length);
        if (need > 0) this.pending.push({ match, need });
      };
      // Matches that start in the kept tail and reach into the new piece.
      let lastEnd = tail.length;
      if (tail.length && this.overlap > 0) {
        const seam = concat(tail, bytes.subarray(0, this.overlap));
        const from = Math.max(0, tail.length - this.overlap);
        for (const m of findAll(seam.subarray(from), this.pattern)) {
          const start = m.start + from;
          const end = m.end + from;
          if (start >= tail.length) break;
          if (end > tail.length) {
            record(start, end);
            lastEnd = Math.max(lastEnd, end);
          }
        }
      }
      for (const m of findAll(bytes, this.pattern)) {
        if (this.full) break;
        if (m.start + tail.length < lastEnd) continue;
        record(m.start + tail.length, m.end + tail.length);
      }
    }
    const keep = Math.min(this.keep, this.tail.length + bytes.length);
    this.tail = keep === 0 ? new Uint8Array(0) : bytes.length >= keep ? bytes.slice(bytes.length - keep) : concat(this.tail.subarray(this.tail.length - (keep - bytes.length)), bytes);
    this.tailEnd = address + bytes.length;
  }
}

export interface MemTarget {
  pid: number;
  runs: PageRun[];
  pagesFile?: string;
}

/** The pid's page runs, or a one-line reason why it has no memory to read. */
export function memTarget(images: ReadonlyMap<string, DecodedImage>, pid: number): MemTarget {
  const pstree = images.get('pstree.img')?.entries ?? [];
  const pids = pstree.map((e) => Number(e['pid'] ?? 0));
  if (!pids.includes(pid)) {
    const list = pids.length > 12 ? `${pids.slice(0, 12).join(', ')}, …` : pids.join(', ');
    throw new StasisError('not-found', `there is no process ${pid} in this checkpoint (pids: ${list})`);
  }
  if (!images.has(`mm-${pid}.img`)) throw new StasisError('not-found', `process ${pid} has no memory in this checkpoint (a zombie, or a thread id)`);
  const { pagesFile, runs } = pageRuns(images.get(`pagemap-${pid}.img`));
  return { pid, runs: [...runs].sort((a, b) => a.vaddr - b.vaddr), ...(pagesFile ? { pagesFile } : {}) };
}

/**
 * Feeds a pid's pages to `consume` as the pages file streams by: for sources that cannot seek, the search runs during
 * the load's single pass instead of capturing the whole process's memory.
 */
export function streamPlan(pid: number, consume: (address: number, bytes: Uint8Array) => void): (pagesFile: string, images: ReadonlyMap<string, DecodedImage>) => PageStream | undefined {
  return (pagesFile, images) => {
    // pstree.img sorts after the pages files in podman's archives, so only the pagemap decides here; an unknown
    // pid is reported after the load, with the full pid list.
    const { pagesFile: pf, runs } = pageRuns(images.get(`pagemap-${pid}.img`));
    if (pf !== pagesFile) return undefined;
    const inFile = runs.filter((r) => r.fileOffset >= 0).sort((a, b) => a.fileOffset - b.fileOffset);
    let ri = 0;
    return {
      ranges: inFile.map((r) => ({ offset: r.fileOffset, length: r.length })),
      visit(offset, slice) {
        let at = 0;
        while (at < slice.length) {
          while (ri < inFile.length && inFile[ri]!.fileOffset + inFile[ri]!.length <= offset + at) ri++;
          const r = inFile[ri];
          if (!r) return;
          const n = Math.min(slice.length - at, r.fileOffset + r.length - (offset + at));
          consume(r.vaddr + (offset + at - r.fileOffset), slice.subarray(at, at + n));
          at += n;
        }
      },
    };
  };
}

/** The file ranges a dump of [address, address+length) needs, for capturing them from a stream. */
export function dumpPlan(pid: number, address: number, length: number): (pagesFile: string, images: ReadonlyMap<string, DecodedImage>) => Array<{ offset: number; length: number }> {
  return (pagesFile, images) => {
    const { pagesFile: pf, runs } = pageRuns(images.get(`pagemap-${pid}.img`));
    return pf === pagesFile ? fileRanges(runs, address, length) : [];
  };
}

/** Searches memory that can be read at random (directories, uncompressed tars), one bounded piece at a time. */
export async function searchRandomAccess(mem: ProcessMemory, searcher: MemorySearcher): Promise<void> {
  const runs = mem.runs.filter((r) => r.fileOffset >= 0).sort((a, b) => a.vaddr - b.vaddr);
  for (const r of runs) {
    for (let off = 0; off < r.length; off += MEM_LIMITS.readChunk) {
      if (!searcher.wantsMore) return;
      const n = Math.min(MEM_LIMITS.readChunk, r.length - off);
      const bytes = await mem.read(r.vaddr + off, n);
      if (bytes) searcher.feed(r.vaddr + off, bytes);
    }
  }
}

/** A piece of a dumped range: bytes where the checkpoint has them, or a gap where it does not. */
export type DumpPiece = { address: number; bytes: Uint8Array } | { address: number; missing: number; reason: string };

/** Reads [address, address+length) piece by piece; pages that are not in the checkpoint become gaps. */
export async function readRange(mem: ProcessMemory, vmas: VmaInfo[], address: number, length: number): Promise<DumpPiece[]> {
  const end = address + length;
  const out: DumpPiece[] = [];
  let at = address;
  const runs = mem.runs.filter((r) => r.fileOffset >= 0 && r.vaddr < end && r.vaddr + r.length > address).sort((a, b) => a.vaddr - b.vaddr);
  const gap = (to: number): void => {
    if (to <= at) return;
    const mapped = vmas.some((v) => v.start < to && v.end > at);
    out.push({ address: at, missing: to - at, reason: mapped ? 'not in the checkpoint (never touched, or in a parent image)' : 'not mapped' });
    at = to;
  };
  for (const r of runs) {
    gap(r.vaddr);
    const s = Math.max(at, r.vaddr);
    const e = Math.min(end, r.vaddr + r.length);
    const bytes = await mem.read(s, e - s);
    if (bytes) out.push({ address: s, bytes });
    else out.push({ address: s, missing: e - s, reason: 'not captured' });
    at = e;
  }
  gap(end);
  return out;
}

export interface VmaInfo {
  start: number;
  end: number;
  view: VmaView;
}

export function vmaInfo(map: VmaView[]): VmaInfo[] {
  return map.map((v) => ({ start: parseInt(v.start.slice(2), 16), end: parseInt(v.end.slice(2), 16), view: v }));
}

export function vmaAt(vmas: VmaInfo[], address: number): VmaInfo | undefined {
  return vmas.find((v) => v.start <= address && address < v.end);
}

function addr(n: number, width = 12): string {
  return n.toString(16).padStart(width, '0');
}

/** The classic hexdump -C layout: address, 16 bytes in two groups of 8, then the printable characters. */
export function hexdump(address: number, bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    let hexPart = '';
    let text = '';
    for (let j = 0; j < 16; j++) {
      hexPart += j < row.length ? `${row[j]!.toString(16).padStart(2, '0')} ` : '   ';
      if (j === 7) hexPart += ' ';
      if (j < row.length) text += row[j]! >= 0x20 && row[j]! < 0x7f ? String.fromCharCode(row[j]!) : '.';
    }
    lines.push(`${addr(address + i)}  ${hexPart} |${text}|`);
  }
  return lines;
}

export function vmaLabel(v: VmaInfo | undefined): string {
  if (!v) return 'no VMA';
  return `${v.view.start}-${v.view.end} ${v.view.prot} ${v.view.path ?? v.view.kind}`;
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function printable(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  return s;
}

/** The JSON shape of one match. */
export function matchJson(m: MemMatch, vmas: VmaInfo[]): Record<string, unknown> {
  const v = vmaAt(vmas, m.address);
  return {
    address: `0x${m.address.toString(16)}`,
    length: m.length,
    vma: v ? { ...v.view, offset: `0x${(m.address - v.start).toString(16)}` } : null,
    match: { hex: toHex(m.bytes), text: printable(m.bytes) },
    context: { address: `0x${m.contextAddress.toString(16)}`, hex: toHex(m.context), text: printable(m.context) },
  };
}

export function renderMatches(pid: number, label: string, matches: MemMatch[], vmas: VmaInfo[], info: { searchedBytes: number; max: number }): string {
  const mib = (info.searchedBytes / 1024 / 1024).toFixed(1);
  const lines = [`pid ${pid}: ${matches.length}${matches.length >= info.max ? ' (the --max cap; there may be more)' : ''} match${matches.length === 1 ? '' : 'es'} for ${label} in ${mib} MiB of dumped memory`];
  for (const m of matches) {
    const v = vmaAt(vmas, m.address);
    lines.push('', `0x${m.address.toString(16)}  ${m.length} bytes  in ${vmaLabel(v)}${v ? ` (+0x${(m.address - v.start).toString(16)})` : ''}`);
    lines.push(...hexdump(m.contextAddress, m.context).map((l) => `  ${l}`));
  }
  return lines.join('\n');
}

export function renderDump(pid: number, pieces: DumpPiece[], vmas: VmaInfo[]): string {
  const lines: string[] = [];
  for (const p of pieces) {
    if ('missing' in p) {
      const v = vmaAt(vmas, p.address);
      lines.push(`${addr(p.address)}  … ${p.missing} bytes ${p.reason}${v ? ` (in ${vmaLabel(v)})` : ''}`);
      continue;
    }
    // A run of pages can cross VMAs; each part is labelled with its own.
    let at = 0;
    while (at < p.bytes.length) {
      const here = vmaAt(vmas, p.address + at);
      const stop = here ? Math.min(p.bytes.length, here.end - p.address) : p.bytes.length;
      lines.push(`pid ${pid}, ${vmaLabel(here)}`);
      lines.push(...hexdump(p.address + at, p.bytes.subarray(at, stop)));
      at = stop;
    }
  }
  return lines.join('\n');
}
