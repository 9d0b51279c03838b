import { LimitedByteReader, type ByteReader, type RandomAccess } from './byte-reader';
import { CorruptImageError, type ReaderLimits } from './errors';

// A small streaming tar reader. The npm tar libraries are built on Node streams and extract to disk; shared/ must
// run in a browser worker too, and Stasis never extracts — it only walks members and reads the few it needs.

export type TarMemberType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarMember {
  /** Normalised path: no leading "./" or "/", never containing "..". */
  path: string;
  type: TarMemberType;
  size: number;
  mode: number;
  mtime: number;
  linkTarget?: string;
}

/** One member's data: read it, stream it, or leave it (the reader then skips what is left). */
export interface TarBody {
  readonly size: number;
  reader: LimitedByteReader;
  /** Random access to the data when the archive is a seekable, uncompressed file. */
  window(): RandomAccess | undefined;
}

export interface TarOptions {
  limits: ReaderLimits;
  /** Whether link members may point anywhere (a rootfs listing) or must stay inside the archive (a checkpoint). */
  allowOutsideLinks: boolean;
}

const BLOCK = 512;
const decoder = new TextDecoder('utf-8');

function field(h: Uint8Array, start: number, len: number): Uint8Array {
  const f = h.subarray(start, start + len);
  const nul = f.indexOf(0);
  return nul < 0 ? f : f.subarray(0, nul);
}

function str(h: Uint8Array, start: number, len: number): string {
  // Header fields are nearly always ASCII: built directly, without TextDecoder's call cost (thousands of headers in a
  // container's rootfs-diff.tar); anything else goes through the decoder.
  let out = '';
  const end = start + len;
  for (let i = start; i < end; i++) {
    const b = h[i]!;
    if (b === 0) return out;
    if (b > 0x7f) return decoder.decode(field(h, start, len));
    out += String.fromCharCode(b);
  }
  return out;
}

function octal(h: Uint8Array, start: number, len: number, what: string): number {
  // GNU base-256 for values that do not fit in octal digits.
  if (h[start]! & 0x80) {
    let v = h[start]! & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + h[start + i]!;
    if (!Number.isSafeInteger(v)) throw new CorruptImageError(`tar header ${what} is out of range`);
    return v;
  }
  // Octal digits, optionally padded with spaces and ended by NUL or space (read digit by digit: no string).
  let i = start;
  const end = start + len;
  while (i < end && h[i] === 0x20) i++;
  let v = 0;
  let digits = 0;
  for (; i < end; i++) {
    const b = h[i]!;
    if (b < 0x30 || b > 0x37) break;
    v = v * 8 + (b - 0x30);
    digits++;
  }
  for (; i < end; i++) {
    const b = h[i]!;
    if (b === 0) break;
    if (b !== 0x20 || digits === 0) {
      const text = str(h, start, len).trim();
      throw new CorruptImageError(`tar header ${what} is not an octal number ("${text.slice(0, 20)}")`);
    }
  }
  if (!Number.isSafeInteger(v)) throw new CorruptImageError(`tar header ${what} is out of range`);
  return v;
}

function checksumOk(h: Uint8Array): boolean {
  const stored = octal(h, 148, 8, 'checksum');
  // The checksum field itself counts as eight spaces.
  let unsigned = 8 * 0x20;
  let high = 0;
  for (let i = 0; i < 148; i++) {
    const b = h[i]!;
    unsigned += b;
    high += b >> 7;
  }
  for (let i = 156; i < BLOCK; i++) {
    const b = h[i]!;
    unsigned += b;
    high += b >> 7;
  }
  // Old tars summed signed bytes: each byte over 127 counts 256 less.
  return stored === unsigned || stored === unsigned - 256 * high;
}

function isZeroBlock(h: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (h[i] !== 0) return false;
  return true;
}

/** Normalises a member path and refuses anything that would escape an extraction root. */
export function safePath(raw: string, limits: ReaderLimits): string {
  if (raw.length > limits.maxPathBytes) throw new CorruptImageError(`archive member path is ${raw.length} bytes long, over the cap`);
  if (raw.includes('\0')) throw new CorruptImageError('archive member path contains a NUL byte');
  if (raw.startsWith('/')) throw new CorruptImageError(`archive member has an absolute path: ${JSON.stringify(raw.slice(0, 200))}`);
  // Already normal (no empty, "." or ".." part): most names are; returned as they are.
  if (!/(^|\/)\.{0,2}(\/|$)/.test(raw)) return raw;
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new CorruptImageError(`archive member path escapes the archive: ${JSON.stringify(raw.slice(0, 200))}`);
  return parts.join('/');
}

function linkEscapes(memberPath: string, target: string): boolean {
  if (target.startsWith('/')) return true;
  let depth = memberPath.split('/').length - 1;
  for (const p of target.split('/')) {
    if (p === '..') depth--;
    else if (p !== '' && p !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}

function parsePax(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) throw new CorruptImageError('pax header record has no length');
    const len = Number(decoder.decode(data.subarray(at, space)));
    if (!Number.isInteger(len) || len <= space - at || at + len > data.length) throw new CorruptImageError('pax header record length is wrong');
    const rec = decoder.decode(data.subarray(space + 1, at + len - 1));
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    at += len;
  }
  return out;
}

function memberType(flag: number): TarMemberType {
  switch (flag) {
    case 0:
    case 0x30: // '0'
    case 0x37: // '7' contiguous file
      return 'file';
    case 0x35:
      return 'dir';
    case 0x32:
      return 'symlink';
    case 0x31:
      return 'hardlink';
    default:
      return 'other';
  }
}

/**
 * Walks a tar stream, calling visit for every member. visit may read the body or not; what it leaves is skipped.
 * Member count, path lengths and header records are capped by the limits; headers must carry valid checksums.
 */
export async function readTar(
  input: ByteReader,
  options: TarOptions,
  visit: (member: TarMember, body: TarBody) => Promise<void> | void,
): Promise<number> {
  const { limits } = options;
  let members = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  for (;;) {
    const head = await input.peek(BLOCK);
    if (head.length === 0) return members; // no end-of-archive blocks: accepted, as GNU tar does with a warning
    if (head.length < BLOCK) throw new CorruptImageError(`tar archive ends inside a header (${head.length} of 512 bytes)`);
    const h = await input.readExact(BLOCK);
    if (isZeroBlock(h)) return members;
    if (!checksumOk(h)) throw new CorruptImageError(`tar header checksum mismatch at offset ${input.position - BLOCK} (not a tar archive, or corrupt)`);
    if (++members > limits.maxFiles) throw new CorruptImageError(`archive has more than ${limits.maxFiles} members`);
    const size = octal(h, 124, 12, 'size');
    const flag = h[156]!;
    const padded = Math.ceil(size / BLOCK) * BLOCK;

    // Extension records describe the next member.
    if (flag === 0x4c /* L */ || flag === 0x4b /* K */ || flag === 0x78 /* x */ || flag === 0x67 /* g */) {
      if (size > limits.maxPathBytes + 1024) throw new CorruptImageError(`tar extension header of ${size} bytes is over the cap`);
      const data = await input.readExact(size);
      await input.skip(padded - size);
      if (flag === 0x4c) longName = decoder.decode(field(data, 0, data.length));
      else if (flag === 0x4b) longLink = decoder.decode(field(data, 0, data.length));
      else if (flag === 0x78) pax = parsePax(data);
      continue;
    }

    const prefix = h[257] === 0x75 && h[345] !== 0 ? str(h, 345, 155) : '';
    const rawName = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100));
    const rawLink = pax.get('linkpath') ?? longLink ?? str(h, 157, 100);
    const paxSize = pax.get('size');
    const realSize = paxSize !== undefined ? Number(paxSize) : size;
    if (!Number.isSafeInteger(realSize) || realSize < 0) throw new CorruptImageError('tar member size is invalid');
    longName = longLink = undefined;
    pax = new Map();

    const type = memberType(flag);
    const path = safePath(rawName, limits);
    const member: TarMember = { path, type, size: type === 'file' ? realSize : 0, mode: octal(h, 100, 8, 'mode'), mtime: octal(h, 136, 12, 'mtime') };
    if (type === 'symlink' || type === 'hardlink') {
      member.linkTarget = rawLink;
      if (!options.allowOutsideLinks && (type === 'hardlink' ? safePath(rawLink, limits) === '' : linkEscapes(path, rawLink))) {
        throw new CorruptImageError(`archive link ${JSON.stringify(path)} points outside the archive (${JSON.stringify(rawLink.slice(0, 200))})`);
      }
    }
    const dataSize = type === 'hardlink' || type === 'symlink' || type === 'dir' ? 0 : realSize;
    const body = new LimitedByteReader(input, dataSize);
    await visit(member, { size: dataSize, reader: body, window: () => input.window?.(dataSize) });
    await input.skip(body.remaining + (Math.ceil(dataSize / BLOCK) * BLOCK - dataSize));
  }
}
