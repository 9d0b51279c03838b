import { CorruptImageError } from './errors';

/** Random access to a byte range (a raw image file, or one member of an uncompressed tar on disk). */
export interface RandomAccess {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * A forward-only byte input. Archive readers pull headers with readExact and pass over member data with
 * forEach/skip, which hand out slices of the chunks they already have — page data is never copied or held.
 */
export interface ByteReader {
  /** Bytes consumed so far. */
  readonly position: number;
  /** Exactly n bytes; corrupt-image if the input ends first. */
  readExact(n: number): Promise<Uint8Array>;
  /** Up to n bytes without consuming them (fewer only at the end of input). */
  peek(n: number): Promise<Uint8Array>;
  /** Hands the next n bytes to visit, slice by slice, without copying. */
  forEach(n: number, visit: (slice: Uint8Array) => void): Promise<void>;
  skip(n: number): Promise<void>;
  /** Random access to the n bytes starting at the current position, when the input can seek. */
  window?(n: number): RandomAccess | undefined;
}

const EMPTY: Uint8Array = new Uint8Array(0);

/** A chunk source that can drop its next n bytes without yielding them (called only between chunks). */
export interface SkippingSource extends AsyncIterable<Uint8Array> {
  skip(n: number): void;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A ByteReader over a stream of chunks (a file read in order, or a decompressor's output). */
export class StreamByteReader implements ByteReader {
  private readonly chunks: Uint8Array[] = [];
  private head = 0;
  private buffered = 0;
  private done = false;
  private pulled = 0;
  position = 0;
  private readonly it: AsyncIterator<Uint8Array>;
  /** The newest chunk when the source will overwrite it on its next yield; nothing handed out may point into it. */
  private borrowed: Uint8Array | undefined;
  /** The source's own skip, when it has one (a decompressor that can drop output before handing it over). */
  private readonly skipper: SkippingSource | undefined;

  /**
   * maxBytes caps how much this stream may yield in total: the decompression-bomb guard. With `reusesChunks` the
   * source may overwrite a chunk once asked for the next one (a decompressor writing into one buffer): readExact then
   * returns copies, unread bytes are moved to a buffer of their own before each pull, and peek / forEach slices are
   * valid only until the next call.
   */
  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly maxBytes = Number.MAX_SAFE_INTEGER,
    private readonly reusesChunks = false,
  ) {
    this.it = source[Symbol.asyncIterator]();
    const skipper = source as Partial<SkippingSource>;
    if (typeof skipper.skip === 'function') this.skipper = source as SkippingSource;
  }

  private async pull(): Promise<boolean> {
    if (this.done) return false;
    if (this.borrowed) {
      if (this.buffered > 0) {
        const rest = concat(this.chunks.map((c, i) => (i === 0 ? c.subarray(this.head) : c)), this.buffered);
        this.chunks.splice(0, this.chunks.length, rest);
        this.head = 0;
      }
      this.borrowed = undefined;
    }
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    if (r.value.length === 0) return true;
    this.pulled += r.value.length;
    if (this.pulled > this.maxBytes) {
      throw new CorruptImageError(`input expands past the ${this.maxBytes}-byte cap (a decompression bomb or a larger checkpoint than allowed)`);
    }
    this.chunks.push(r.value);
    this.buffered += r.value.length;
    if (this.reusesChunks) this.borrowed = r.value;
    return true;
  }

  private async fill(n: number): Promise<void> {
    while (this.buffered < n && (await this.pull()));
  }

  private consume(n: number): void {
    this.position += n;
    this.buffered -= n;
    while (n > 0) {
      const c = this.chunks[0]!;
      const left = c.length - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }

  private take(n: number): Uint8Array {
    const c = this.chunks[0]!;
    if (c.length - this.head >= n) {
      const out = c === this.borrowed ? c.slice(this.head, this.head + n) : c.subarray(this.head, this.head + n);
      this.consume(n);
      return out;
    }
    const parts: Uint8Array[] = [];
    let need = n;
    let head = this.head;
    for (const chunk of this.chunks) {
      const part = chunk.subarray(head, head + need);
      parts.push(part);
      need -= part.length;
      head = 0;
      if (need === 0) break;
    }
    this.consume(n);
    return concat(parts, n);
  }

  async readExact(n: number): Promise<Uint8Array> {
    if (n === 0) return EMPTY;
    await this.fill(n);
    if (this.buffered < n) throw new CorruptImageError(`input ends early: needed ${n} bytes at offset ${this.position}, got ${this.buffered}`);
    return this.take(n);
  }

  async peek(n: number): Promise<Uint8Array> {
    await this.fill(n);
    const have = Math.min(n, this.buffered);
    if (have === 0) return EMPTY;
    const first = this.chunks[0]!;
    if (first.length - this.head >= have) return first.subarray(this.head, this.head + have);
    const saved = { chunks: [...this.chunks], head: this.head, buffered: this.buffered, position: this.position };
    const out = this.take(have);
    this.chunks.splice(0, this.chunks.length, ...saved.chunks);
    this.head = saved.head;
    this.buffered = saved.buffered;
    this.position = saved.position;
    return out;
  }

  async forEach(n: number, visit: (slice: Uint8Array) => void): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0 && !(await this.pull())) {
        throw new CorruptImageError(`input ends early: ${left} bytes missing at offset ${this.position}`);
      }
      const c = this.chunks[0]!;
      const take = Math.min(left, c.length - this.head);
      visit(c.subarray(this.head, this.head + take));
      this.consume(take);
      left -= take;
    }
  }

  async skip(n: number): Promise<void> {
    if (!this.skipper || this.done || n <= this.buffered) return this.forEach(n, () => undefined);
    // Past what is buffered the source drops the bytes itself; they count against the cap all the same. A skip past
    // the end surfaces from the source as input ending early.
    const rest = n - this.buffered;
    if (this.buffered > 0) this.consume(this.buffered);
    this.pulled += rest;
    if (this.pulled > this.maxBytes) {
      throw new CorruptImageError(`input expands past the ${this.maxBytes}-byte cap (a decompression bomb or a larger checkpoint than allowed)`);
    }
    this.position += rest;
    this.skipper.skip(rest);
  }

  /** Stops reading: the source is told it will not be asked again (so it can close its file). */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.chunks.length = 0;
    this.buffered = 0;
    await this.it.return?.();
  }

  /** What is left of the input as a chunk stream (after a peek at the head, say), for a decompressor. */
  async *rest(): AsyncIterable<Uint8Array> {
    try {
      yield* this.restChunks();
    } finally {
      await this.close();
    }
  }

  private async *restChunks(): AsyncIterable<Uint8Array> {
    while (this.chunks.length) {
      const c = this.chunks.shift()!.subarray(this.head);
      this.head = 0;
      this.buffered -= c.length;
      this.position += c.length;
      yield c;
    }
    for (;;) {
      const r = await this.it.next();
      if (r.done) return;
      this.position += r.value.length;
      yield r.value;
    }
  }
}

/** A ByteReader over a seekable input: skipping is free, reads go through a small read-ahead buffer. */
export class RandomAccessByteReader implements ByteReader {
  position = 0;
  private buf: Uint8Array = EMPTY;
  private bufStart = 0;

  constructor(
    private readonly file: RandomAccess,
    private readonly readAhead = 256 * 1024,
  ) {}

  private async load(n: number): Promise<void> {
    const want = Math.min(Math.max(n, this.readAhead), this.file.size - this.position);
    this.buf = want > 0 ? await this.file.read(this.position, want) : EMPTY;
    this.bufStart = this.position;
  }

  async peek(n: number): Promise<Uint8Array> {
    const off = this.position - this.bufStart;
    if (off < 0 || off + n > this.buf.length) await this.load(n);
    const at = this.position - this.bufStart;
    return this.buf.subarray(at, Math.min(at + n, this.buf.length));
  }

  async readExact(n: number): Promise<Uint8Array> {
    if (n === 0) return EMPTY;
    const out = await this.peek(n);
    if (out.length < n) throw new CorruptImageError(`input ends early: needed ${n} bytes at offset ${this.position}, got ${out.length}`);
    this.position += n;
    return out;
  }

  async forEach(n: number, visit: (slice: Uint8Array) => void): Promise<void> {
    let left = n;
    while (left > 0) {
      const piece = await this.readExact(Math.min(left, 1024 * 1024));
      visit(piece);
      left -= piece.length;
    }
  }

  async skip(n: number): Promise<void> {
    if (this.position + n > this.file.size) throw new CorruptImageError(`input ends early: ${this.position + n - this.file.size} bytes missing at offset ${this.position}`);
    this.position += n;
  }

  window(n: number): RandomAccess {
    return subRange(this.file, this.position, n);
  }
}

export function subRange(file: RandomAccess, start: number, size: number): RandomAccess {
  return {
    size,
    read: (offset, length) => {
      if (offset < 0 || offset + length > size) throw new CorruptImageError(`read of ${length} bytes at ${offset} is outside a ${size}-byte range`);
      return file.read(start + offset, length);
    },
  };
}

/** The next `size` bytes of a parent reader as a reader of their own (a tar member, e.g. a nested tar). */
export class LimitedByteReader implements ByteReader {
  private used = 0;
  constructor(
    private readonly parent: ByteReader,
    readonly size: number,
  ) {}

  get position(): number {
    return this.used;
  }

  get remaining(): number {
    return this.size - this.used;
  }

  private check(n: number): void {
    if (n > this.size - this.used) throw new CorruptImageError(`member data ends early: needed ${n} bytes, ${this.size - this.used} left`);
  }

  async readExact(n: number): Promise<Uint8Array> {
    this.check(n);
    const out = await this.parent.readExact(n);
    this.used += n;
    return out;
  }

  async peek(n: number): Promise<Uint8Array> {
    return this.parent.peek(Math.min(n, this.size - this.used));
  }

  async forEach(n: number, visit: (slice: Uint8Array) => void): Promise<void> {
    this.check(n);
    await this.parent.forEach(n, visit);
    this.used += n;
  }

  async skip(n: number): Promise<void> {
    this.check(n);
    await this.parent.skip(n);
    this.used += n;
  }

  window(n: number): RandomAccess | undefined {
    return this.parent.window?.(n);
  }
}

/** Everything an async iterable yields, as one array, refusing to grow past max bytes. */
export async function readAllBounded(reader: ByteReader, size: number, max: number, what: string): Promise<Uint8Array> {
  if (size > max) throw new CorruptImageError(`${what} is ${size} bytes, more than the ${max}-byte cap`);
  const out = await reader.readExact(size);
  // Slices of a decompressor's chunks would pin the whole chunk; keep a private copy only when that is costly.
  return out.byteLength * 4 < out.buffer.byteLength ? out.slice() : out;
}
