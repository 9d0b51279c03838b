import { CorruptImageError } from '../archive/errors';
import type { DecodedImage, Entry } from '../criu/image';
import type { Checkpoint, PagesFile } from './checkpoint';

export const PAGE_SIZE = 4096;

// pagemap_entry.flags bits (CRIU's PE_PARENT / PE_LAZY / PE_PRESENT).
const PE_PARENT = 1;
const PE_PRESENT = 4;

/** A run of resident pages and where its bytes sit in the pages file (-1: not in this image, e.g. in a parent). */
export interface PageRun {
  vaddr: number;
  length: number;
  fileOffset: number;
}

export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return Number(v);
  return 0;
}

const runsCache = new WeakMap<DecodedImage, { pagesFile?: string; runs: PageRun[] }>();

/** Page runs of one process from pagemap-PID.img (in address order), with the pages file they index. */
export function pageRuns(pagemap: DecodedImage | undefined): { pagesFile?: string; runs: PageRun[] } {
  if (!pagemap || pagemap.entries.length === 0) return { runs: [] };
  let cached = runsCache.get(pagemap);
  if (!cached) {
    cached = computeRuns(pagemap);
    runsCache.set(pagemap, cached);
  }
  return cached;
}

function computeRuns(pagemap: DecodedImage): { pagesFile?: string; runs: PageRun[] } {
  const [head, ...rest] = pagemap.entries as [Entry, ...Entry[]];
  const runs: PageRun[] = [];
  let offset = 0;
  for (const e of rest) {
    const length = num(e['nr_pages']) * PAGE_SIZE;
    const flags = e['flags'] === undefined ? undefined : num(e['flags']);
    const inFile = flags === undefined ? e['in_parent'] !== true : (flags & PE_PRESENT) !== 0 && (flags & PE_PARENT) === 0;
    runs.push({ vaddr: num(e['vaddr']), length, fileOffset: inFile ? offset : -1 });
    if (inFile) offset += length;
  }
  // CRIU writes them in address order; a hand-made or damaged image may not, and readers rely on the order.
  if (runs.some((r, i) => i > 0 && r.vaddr < runs[i - 1]!.vaddr)) runs.sort((a, b) => a.vaddr - b.vaddr);
  return { pagesFile: `pages-${num(head['pages_id'])}.img`, runs };
}

/** File ranges of the pages file that hold [addr, addr+len). */
export function fileRanges(runs: PageRun[], addr: number, len: number): Array<{ offset: number; length: number }> {
  const out: Array<{ offset: number; length: number }> = [];
  const end = addr + len;
  for (const r of runs) {
    if (r.fileOffset < 0 || r.vaddr >= end || r.vaddr + r.length <= addr) continue;
    const s = Math.max(addr, r.vaddr);
    const e = Math.min(end, r.vaddr + r.length);
    out.push({ offset: r.fileOffset + (s - r.vaddr), length: e - s });
  }
  return out;
}

async function readPages(pages: PagesFile, offset: number, length: number): Promise<Uint8Array | undefined> {
  if (offset + length > pages.size) throw new CorruptImageError(`${pages.name} is shorter than its pagemap says (${pages.size} bytes, needs ${offset + length})`);
  if (pages.access) return pages.access.read(offset, length);
  for (const c of pages.captured) {
    if (c.offset <= offset && offset + length <= c.offset + c.bytes.length) return c.bytes.subarray(offset - c.offset, offset - c.offset + length);
  }
  return undefined;
}

/** One process's memory as the checkpoint holds it: only dumped pages are readable. */
export class ProcessMemory {
  constructor(
    readonly pid: number,
    readonly runs: PageRun[],
    private readonly pages: PagesFile | undefined,
  ) {}

  static of(cp: Checkpoint, pid: number): ProcessMemory {
    const { pagesFile, runs } = pageRuns(cp.images.get(`pagemap-${pid}.img`));
    return new ProcessMemory(pid, runs, pagesFile ? cp.pages.get(pagesFile) : undefined);
  }

  get readable(): boolean {
    return this.pages !== undefined && (this.pages.access !== undefined || this.pages.captured.length > 0);
  }

  /** The bytes at [addr, addr+len), or undefined when some of them were not dumped or not captured. */
  async read(addr: number, len: number): Promise<Uint8Array | undefined> {
    if (!this.pages || len <= 0) return undefined;
    const ranges = fileRanges(this.runs, addr, len);
    if (ranges.reduce((s, r) => s + r.length, 0) !== len) return undefined;
    const out = new Uint8Array(len);
    let at = 0;
    for (const r of ranges) {
      const part = await readPages(this.pages, r.offset, r.length);
      if (!part) return undefined;
      out.set(part, at);
      at += r.length;
    }
    return out;
  }
}

const MAX_ARGS_BYTES = 256 * 1024;

/**
 * The images a capture plan sees. The loader's map also offers an image's first record alone: a pagemap's head names
 * its pages file, and decoding only heads lets the plan for one pages file decode just the pagemaps that point at it
 * (the rest are decoded later, while the loader waits for input).
 */
export type ImagesSoFar = ReadonlyMap<string, DecodedImage> & { firstEntry?(name: string): Entry | undefined };

function firstEntry(images: ImagesSoFar, name: string): Entry | undefined {
  return images.firstEntry ? images.firstEntry(name) : images.get(name)?.entries[0];
}

// Which processes' pages each pages file holds. The capture plan asks once per pages file, and a checkpoint of
// hundreds of processes has hundreds of them: scanning every pagemap on each call would be quadratic.
const pagemapIndex = new WeakMap<ImagesSoFar, { size: number; byPagesFile: Map<string, string[]> }>();

function pagemapsByPagesFile(images: ImagesSoFar): Map<string, string[]> {
  const cached = pagemapIndex.get(images);
  if (cached && cached.size === images.size) return cached.byPagesFile;
  const byPagesFile = new Map<string, string[]>();
  // By name first: the loader's map decodes an image when its value is asked for, and only pagemaps matter here.
  for (const name of images.keys()) {
    if (!name.startsWith('pagemap-')) continue;
    const m = /^pagemap-(\d+)\.img$/.exec(name);
    if (!m) continue;
    const head = firstEntry(images, name);
    if (!head) continue;
    // As pageRuns names it.
    const pagesFile = `pages-${num(head['pages_id'])}.img`;
    const list = byPagesFile.get(pagesFile) ?? [];
    list.push(m[1]!);
    byPagesFile.set(pagesFile, list);
  }
  pagemapIndex.set(images, { size: images.size, byPagesFile });
  return byPagesFile;
}

/** The arg and env ranges of every process, for capturing them while a compressed archive streams by. */
export function argEnvCapturePlan(pagesFile: string, images: ImagesSoFar): Array<{ offset: number; length: number }> {
  const out: Array<{ offset: number; length: number }> = [];
  for (const pid of pagemapsByPagesFile(images).get(pagesFile) ?? []) {
    const { runs } = pageRuns(images.get(`pagemap-${pid}.img`));
    const mm = firstEntry(images, `mm-${pid}.img`);
    if (!mm) continue;
    for (const [s, e] of [['mm_arg_start', 'mm_arg_end'], ['mm_env_start', 'mm_env_end']] as const) {
      const start = num(mm[s]);
      const len = Math.min(num(mm[e]) - start, MAX_ARGS_BYTES);
      if (len > 0) out.push(...fileRanges(runs, start, len));
    }
  }
  return out;
}

function splitNul(bytes: Uint8Array): string[] {
  const dec = new TextDecoder('utf-8');
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0) {
      if (i > start || i < bytes.length) out.push(dec.decode(bytes.subarray(start, i)));
      start = i + 1;
    }
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

/** argv and environment read from the process's own pages; undefined where the pages are not available. */
export async function readArgsEnv(mem: ProcessMemory, mm: Entry | undefined): Promise<{ cmdline?: string[]; environ?: string[] }> {
  if (!mm) return {};
  const out: { cmdline?: string[]; environ?: string[] } = {};
  const argStart = num(mm['mm_arg_start']);
  const argLen = Math.min(num(mm['mm_arg_end']) - argStart, MAX_ARGS_BYTES);
  const args = argLen > 0 ? await mem.read(argStart, argLen) : undefined;
  if (args) out.cmdline = splitNul(args);
  const envStart = num(mm['mm_env_start']);
  const envLen = Math.min(num(mm['mm_env_end']) - envStart, MAX_ARGS_BYTES);
  const env = envLen > 0 ? await mem.read(envStart, envLen) : undefined;
  if (env) out.environ = splitNul(env);
  return out;
}

/**
 * Whether the plans for a pages file can be made yet: a pagemap that names it has been read, and so has its
 * process's mm (argv and environment are found through it). Pages files nothing names yet may be anyone's.
 */
export function pagesFileResolved(pagesFile: string, images: ImagesSoFar): boolean {
  const pids = pagemapsByPagesFile(images).get(pagesFile);
  return pids !== undefined && pids.every((pid) => images.has(`mm-${pid}.img`));
}
