import { RandomAccessByteReader, type RandomAccess } from '../archive/byte-reader';
import { CorruptImageError, type ReaderLimits } from '../archive/errors';
import type { CheckpointSource, SourceFile } from '../archive/source';
import { readTar, type TarMemberType } from '../archive/tar';
import { ImageDecoder, type DecodedImage, type Entry } from '../criu/image';
import { pagesFileResolved } from './memory';

/** Where one pages-N.img lives: random access when the source seeks, else only ranges captured while streaming. */
export interface PagesFile {
  name: string;
  size: number;
  access?: RandomAccess;
  captured: Array<{ offset: number; bytes: Uint8Array }>;
}

export interface ListedFile {
  path: string;
  type: TarMemberType;
  size: number;
}

/** The container engine's files around the CRIU images (podman, CRI-O and kubelet archives). */
export interface ContainerFiles {
  config?: unknown;
  spec?: unknown;
  network?: unknown;
  deletedFiles?: string[];
  rootfsDiff?: ListedFile[];
  devshm?: ListedFile[];
  /** Files present but not interpreted (dump.log, bind.mounts…). */
  other: ListedFile[];
}

export interface Checkpoint {
  label: string;
  format: CheckpointSource['format'];
  layout: 'images' | 'container';
  images: Map<string, DecodedImage>;
  pages: Map<string, PagesFile>;
  container: ContainerFiles;
  /** Files and records Stasis recognised but did not decode, with the reason; raw files listed unread carry their size. */
  undecoded: Array<{ file: string; reason: string; size?: number }>;
}

/** Which byte ranges of a pages file a view needs, decided from the images seen so far. */
export type CapturePlan = (pagesFile: string, images: ReadonlyMap<string, DecodedImage>) => Array<{ offset: number; length: number }>;

/**
 * Takes page data as a non-seekable source streams by, without holding it: `visit` gets each slice of the asked-for
 * ranges once, in file order, and must copy whatever it keeps (the slice's memory is reused afterwards).
 */
export interface PageStream {
  ranges: Array<{ offset: number; length: number }>;
  visit(offset: number, slice: Uint8Array): void;
}

export interface LoadOptions {
  limits: ReaderLimits;
  capture?: CapturePlan;
  /** Streams ranges of a pages file past a consumer (a memory search) when the source cannot seek. */
  stream?: (pagesFile: string, images: ReadonlyMap<string, DecodedImage>) => PageStream | undefined;
}

const GHOST_HEAD_BYTES = 64 * 1024;
const JSON_FILES: Record<string, 'config' | 'spec' | 'network'> = {
  'config.dump': 'config',
  'spec.dump': 'spec',
  'network.status': 'network',
};

const textDecoder = new TextDecoder('utf-8');

function isImageName(name: string): boolean {
  return name.endsWith('.img') || name === 'stats-dump' || name === 'stats-restore';
}

async function listTar(file: SourceFile, limits: ReaderLimits): Promise<ListedFile[]> {
  const out: ListedFile[] = [];
  await readTar(file.reader(), { limits, allowOutsideLinks: true }, (m) => {
    out.push({ path: m.path, type: m.type, size: m.size });
  });
  return out;
}

/** Reads a checkpoint's metadata in one pass. Page data is skipped, except ranges the capture plan asks for. */
export async function loadCheckpoint(source: CheckpointSource, options: LoadOptions): Promise<Checkpoint> {
  const { limits } = options;
  const cp: Checkpoint = {
    label: source.label,
    format: source.format,
    layout: 'images',
    images: new Map(),
    pages: new Map(),
    container: { other: [] },
    undecoded: [],
  };
  let held = 0;
  const hold = (n: number, what: string): void => {
    held += n;
    if (held > limits.maxMetadataBytes) throw new CorruptImageError(`checkpoint metadata exceeds the ${limits.maxMetadataBytes}-byte cap (at ${what})`);
  };
  const readWhole = async (file: SourceFile, max: number): Promise<Uint8Array> => {
    if (file.size > max) throw new CorruptImageError(`${file.path} is ${file.size} bytes, over the ${max}-byte cap`);
    hold(file.size, file.path);
    return file.reader().readExact(file.size);
  };

  const deferred = new DeferredImages();
  // Pages files that streamed by (no random access), whether a stream plan saw them; those held whole (spilled)
  // because the stream cannot be walked again; those over the spill budget.
  const passed = new Map<string, { streamed: boolean }>();
  const spill = new SpillBudget(limits.maxSpillBytes);
  const spilled = new Map<string, Uint8Array>();
  const unspilled: string[] = [];
  await source.walk(async (file) => {
    if (file.type !== 'file') return;
    const inCheckpointDir = file.path.startsWith('checkpoint/');
    if (inCheckpointDir) cp.layout = 'container';
    const rel = inCheckpointDir ? file.path.slice('checkpoint/'.length) : file.path;
    const name = rel;

    if (!name.includes('/') && isImageName(name)) {
      if (/^pages-\d+\.img$/.test(name)) {
        const pages: PagesFile = { name, size: file.size, captured: [] };
        const access = file.window();
        if (access) pages.access = access;
        else {
          const ranges = options.capture?.(name, deferred) ?? [];
          const stream = options.stream?.(name, deferred);
          passed.set(name, { streamed: stream !== undefined });
          if (!source.rewalkable && (options.capture || options.stream) && !pagesFileResolved(name, deferred)) {
            // Its pagemap or mm comes later in this stream, which cannot be read twice: held until the plans are known.
            if (spill.hold(file.size)) spilled.set(name, await file.reader().readExact(file.size));
            else unspilled.push(name);
          } else if (ranges.length || stream) await capture(file, pages, ranges, stream, limits);
        }
        cp.pages.set(name, pages);
        return;
      }
      if (/^tmpfs-(dev-)?\d+\.tar\.gz\.img$/.test(name) || /^(ifaddr|route6?|rule|ip6?tables|nftables)-\d+\.img$/.test(name)) {
        cp.undecoded.push({ file: name, reason: 'raw data (not protobuf), listed only', size: file.size });
        return;
      }
      const ghost = name.startsWith('ghost-file-');
      const bytes = ghost
        ? await file.reader().readExact(Math.min(file.size, GHOST_HEAD_BYTES))
        : await readWhole(file, limits.maxImageBytes);
      // Kept raw and decoded later (while the source waits for input, or at the end): decoding as members arrive would
      // keep the reader from draining a decompressor that could meanwhile be working on the page data that follows.
      const slot = { file: name, reason: '' };
      cp.undecoded.push(slot);
      deferred.add(name, new ImageDecoder(name, bytes, limits, file.size), slot);
      return;
    }
    if (inCheckpointDir) {
      cp.container.other.push({ path: file.path, type: file.type, size: file.size });
      return;
    }
    const jsonKey = JSON_FILES[file.path];
    if (jsonKey || file.path === 'deleted.files') {
      const text = textDecoder.decode(await readWhole(file, 64 * 1024 * 1024));
      try {
        const value: unknown = JSON.parse(text);
        if (jsonKey) cp.container[jsonKey] = value;
        else if (Array.isArray(value)) cp.container.deletedFiles = value.map(String);
        else cp.undecoded.push({ file: file.path, reason: 'not a JSON list' });
      } catch (err) {
        cp.undecoded.push({ file: file.path, reason: `not valid JSON: ${(err as Error).message}` });
      }
      return;
    }
    if (file.path === 'rootfs-diff.tar') {
      cp.container.rootfsDiff = await listTar(file, limits);
      return;
    }
    if (file.path === 'devshm-checkpoint.tar') {
      cp.container.devshm = await listTar(file, limits);
      return;
    }
    cp.container.other.push({ path: file.path, type: file.type, size: file.size });
  }, { idle: (inputReady) => deferred.work(inputReady) });

  cp.images = deferred.all();
  // Images decoded completely leave their placeholder empty.
  cp.undecoded = cp.undecoded.filter((u) => u.reason !== '');
  await secondLook(source, cp, options, passed, spilled, unspilled);
  if (!cp.images.has('inventory.img')) throw new CorruptImageError(`${source.label} is not a CRIU checkpoint (no inventory.img found)`);
  if (!cp.images.has('pstree.img')) throw new CorruptImageError(`${source.label} has no pstree.img (an incomplete checkpoint)`);
  return cp;
}


/**
 * The images read so far, in archive order, decoded lazily: a step at a time by work(), or at once when asked for
 * (a capture plan looking at pagemaps before a pages file streams by). As a map it is what the images will be.
 */
class DeferredImages implements ReadonlyMap<string, DecodedImage> {
  private readonly list: Array<{ name: string; decoder: ImageDecoder; slot: { reason: string }; image?: DecodedImage }> = [];
  private readonly byName = new Map<string, number>();
  // The first image not known to be decoded: work() goes through them in order.
  private next = 0;

  add(name: string, decoder: ImageDecoder, slot: { reason: string }): void {
    this.byName.set(name, this.list.length);
    this.list.push({ name, decoder, slot });
  }

  private complete(i: number, records: number): boolean {
    const item = this.list[i]!;
    if (item.image) return true;
    const image = item.decoder.step(records);
    if (!image) return false;
    item.image = image;
    if (image.undecoded) item.slot.reason = image.undecoded;
    return true;
  }

  /** Decodes a record at a time until `stop()` says so (input has arrived) or all is done; whether work is left. */
  work(stop: () => boolean): boolean {
    while (this.next < this.list.length) {
      if (this.complete(this.next, 1)) this.next++;
      if (stop()) break;
    }
    return this.next < this.list.length;
  }

  /** Every image decoded, as the map a Checkpoint holds (archive order; a repeated name keeps the last image). */
  all(): Map<string, DecodedImage> {
    const out = new Map<string, DecodedImage>();
    for (let i = 0; i < this.list.length; i++) {
      this.complete(i, Infinity);
      const item = this.list[i]!;
      out.set(item.name, item.image!);
    }
    this.next = this.list.length;
    return out;
  }

  get size(): number {
    return this.byName.size;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** An image's first record alone (see ImagesSoFar); the decoder carries on from there later. */
  firstEntry(name: string): Entry | undefined {
    const i = this.byName.get(name);
    return i === undefined ? undefined : this.list[i]!.decoder.first();
  }

  get(name: string): DecodedImage | undefined {
    const i = this.byName.get(name);
    if (i === undefined) return undefined;
    this.complete(i, Infinity);
    return this.list[i]!.image;
  }

  *keys(): MapIterator<string> {
    yield* this.byName.keys();
  }

  *entries(): MapIterator<[string, DecodedImage]> {
    for (const name of this.byName.keys()) yield [name, this.get(name)!];
  }

  *values(): MapIterator<DecodedImage> {
    for (const name of this.byName.keys()) yield this.get(name)!;
  }

  [Symbol.iterator](): MapIterator<[string, DecodedImage]> {
    return this.entries();
  }

  forEach(fn: (value: DecodedImage, key: string, map: ReadonlyMap<string, DecodedImage>) => void): void {
    for (const [name, image] of this.entries()) fn(image, name, this);
  }
}

type Range = { offset: number; length: number };

function clip(ranges: Range[], size: number): Range[] {
  return ranges
    .filter((r) => r.length > 0 && r.offset >= 0 && r.offset < size)
    .map((r) => ({ offset: r.offset, length: Math.min(r.length, size - r.offset) }))
    .sort((a, b) => a.offset - b.offset);
}

/** Disjoint spans covering every range, in order. */
function union(ranges: Range[]): Range[] {
  const out: Range[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r.offset <= last.offset + last.length) last.length = Math.max(last.length, r.offset + r.length - last.offset);
    else out.push({ ...r });
  }
  return out;
}

/**
 * One forward pass over a pages file: the gaps are skipped, captured ranges are copied into buffers of their own,
 * streamed ranges are handed to the consumer slice by slice.
 */
async function capture(file: SourceFile, pages: PagesFile, captureRanges: Range[], stream: PageStream | undefined, limits: ReaderLimits): Promise<void> {
  const wanted = union(clip(captureRanges, file.size));
  const streamed = stream ? union(clip(stream.ranges, file.size)) : [];
  const total = wanted.reduce((s, r) => s + r.length, 0);
  if (total > limits.maxCaptureBytes) throw new CorruptImageError(`the memory view needs ${total} bytes of page data, over the ${limits.maxCaptureBytes}-byte cap`);
  const spans = union([...wanted, ...streamed].sort((a, b) => a.offset - b.offset));
  if (!spans.length) return;
  const buffers = wanted.map((r) => ({ offset: r.offset, bytes: new Uint8Array(r.length) }));
  let bi = 0;
  let si = 0;
  const reader = file.reader();
  let pos = 0;
  for (const span of spans) {
    await reader.skip(span.offset - pos);
    pos = span.offset;
    await reader.forEach(span.length, (slice) => {
      const start = pos;
      const end = pos + slice.length;
      pos = end;
      while (bi < buffers.length && buffers[bi]!.offset + buffers[bi]!.bytes.length <= start) bi++;
      for (let i = bi; i < buffers.length && buffers[i]!.offset < end; i++) {
        const b = buffers[i]!;
        const s = Math.max(start, b.offset);
        const e = Math.min(end, b.offset + b.bytes.length);
        if (e > s) b.bytes.set(slice.subarray(s - start, e - start), s - b.offset);
      }
      if (!stream) return;
      while (si < streamed.length && streamed[si]!.offset + streamed[si]!.length <= start) si++;
      for (let i = si; i < streamed.length && streamed[i]!.offset < end; i++) {
        const r = streamed[i]!;
        const s = Math.max(start, r.offset);
        const e = Math.min(end, r.offset + r.length);
        if (e > s) stream.visit(s, slice.subarray(s - start, e - start));
      }
    });
  }
  pages.captured.push(...buffers);
}

/** What the spill may still hold: pages files that came before their pagemap in a stream that cannot be read twice. */
class SpillBudget {
  private left: number;
  constructor(max: number) {
    this.left = max;
  }
  hold(size: number): boolean {
    if (size > this.left) return false;
    this.left -= size;
    return true;
  }
}

/** A pages file held in memory, as a SourceFile for capture(). */
function heldFile(name: string, bytes: Uint8Array): SourceFile {
  return { path: name, type: 'file', size: bytes.length, window: () => undefined, reader: () => new RandomAccessByteReader({ size: bytes.length, read: async (at, n) => bytes.subarray(at, at + n) }) };
}

/**
 * Plans made while a pages file streamed by see only the images before it in the archive: in `tar -C DIR -cf X .`
 * order a pages-N.img often comes before its process's mm and pagemap, and the plan then asked for nothing. With every
 * image known, the plans are made again; what they add is read from the spill (streams) or by a second walk that
 * visits only those pages files and stops after the last (files: the decompressor runs again, nothing is held).
 */
async function secondLook(
  source: CheckpointSource,
  cp: Checkpoint,
  options: LoadOptions,
  passed: ReadonlyMap<string, { streamed: boolean }>,
  spilled: Map<string, Uint8Array>,
  unspilled: string[],
): Promise<void> {
  const { limits } = options;
  const todo = new Map<string, { ranges: Range[]; stream?: PageStream }>();
  for (const [name, seen] of passed) {
    const pages = cp.pages.get(name)!;
    const ranges = clip(options.capture?.(name, cp.images) ?? [], pages.size);
    // A range read before is read again whole unless one buffer holds it all: a read must find it in one piece.
    const missing = ranges.filter((r) => !pages.captured.some((c) => c.offset <= r.offset && r.offset + r.length <= c.offset + c.bytes.length));
    const stream = seen.streamed ? undefined : options.stream?.(name, cp.images);
    if (missing.length || stream) todo.set(name, { ranges: missing, ...(stream ? { stream } : {}) });
  }
  for (const [name, bytes] of spilled) {
    const job = todo.get(name);
    todo.delete(name);
    if (job) await capture(heldFile(name, bytes), cp.pages.get(name)!, job.ranges, job.stream, limits);
  }
  spilled.clear();
  for (const name of unspilled) {
    if (!todo.delete(name)) continue;
    cp.undecoded.push({
      file: name,
      reason: `came before its pagemap in a stream that cannot be read twice, and is over the ${limits.maxSpillBytes}-byte spill budget: its pages were not read`,
    });
  }
  if (!todo.size || !source.rewalkable) return;
  let left = todo.size;
  try {
    await source.walk(async (file) => {
      const name = file.path.startsWith('checkpoint/') ? file.path.slice('checkpoint/'.length) : file.path;
      const job = file.type === 'file' ? todo.get(name) : undefined;
      if (!job) return;
      todo.delete(name);
      await capture(file, cp.pages.get(name)!, job.ranges, job.stream, limits);
      if (--left === 0) throw new WalkDone();
    });
  } catch (err) {
    if (!(err instanceof WalkDone)) throw err;
  }
}

/** Ends the second walk once the last pages file it wanted has gone by. */
class WalkDone extends Error {}
