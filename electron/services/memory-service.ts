import type { MemDumpResult, MemMatchData, MemQueryInput, MemSearchResult } from '../../shared/api/contract';
import { StasisError } from '../../shared/api/stasis-error';
import type { Checkpoint, LoadOptions } from '../../shared/inspect/checkpoint';
import { ProcessMemory } from '../../shared/inspect/memory';
import {
  compileQuery, dumpPlan, type QueryNames, MemorySearcher, memTarget, readRange, searchRandomAccess, streamPlan, vmaAt, vmaInfo, vmaLabel,
  type DumpPiece, type MemMatch, type MemQuery, type VmaInfo,
} from '../../shared/inspect/memory-search';
import { memoryMapOf } from '../../shared/inspect/report';
import { loadCheckpointFile } from '../inspect/load';

// One implementation of `stasis mem` and the image browser's memory panel. This module must stay free of zod (it is
// on the CLI's path): the contract is imported for its types only.

/** Which page ranges a load must capture or stream past a consumer. */
export type MemoryPlans = Required<Pick<LoadOptions, 'capture'>> & Pick<LoadOptions, 'stream'>;

/**
 * Loads a checkpoint with the given plans and runs `use` while its pages can still be read. A file is opened here; a
 * checkpoint streamed from a host exists only while its stream is being walked, hence the callback.
 */
export type CheckpointOpener = <T>(plans: MemoryPlans, use: (checkpoint: Checkpoint) => Promise<T>) => Promise<T>;

export function fileOpener(path: string): CheckpointOpener {
  return async (plans, use) => {
    const { checkpoint, handles } = await loadCheckpointFile(path, plans);
    try {
      return await use(checkpoint);
    } finally {
      await handles.close();
    }
  };
}

export interface SearchOutcome {
  searcher: MemorySearcher;
  vmas: VmaInfo[];
}

/** Searches one process's memory; the query is compiled first, so bad input is refused before a long read starts. */
export async function searchMemory(open: CheckpointOpener, pid: number, query: MemQuery, max: number, context: number, names?: QueryNames): Promise<SearchOutcome> {
  const searcher = new MemorySearcher(compileQuery(query, names), max, context);
  // Sources that cannot seek (compressed archives, a host's stream) are searched as their pages go by, so nothing
  // is held; seekable ones are read afterwards, a bounded piece at a time.
  const plans: MemoryPlans = {
    capture: () => [],
    stream: streamPlan(pid, (address, bytes) => {
      if (searcher.wantsMore) searcher.feed(address, bytes);
    }),
  };
  return open(plans, async (checkpoint) => {
    const target = memTarget(checkpoint.images, pid);
    const pages = target.pagesFile ? checkpoint.pages.get(target.pagesFile) : undefined;
    if (!pages) throw new StasisError('not-found', `process ${pid} has no dumped pages in this checkpoint`);
    if (pages.access) await searchRandomAccess(ProcessMemory.of(checkpoint, pid), searcher);
    return { searcher, vmas: vmaInfo(memoryMapOf(checkpoint, pid)) };
  });
}

/** Reads [address, address+length) of one process; a range no mapping covers is refused. */
export async function dumpMemory(open: CheckpointOpener, pid: number, address: number, length: number): Promise<{ pieces: DumpPiece[]; vmas: VmaInfo[] }> {
  return open({ capture: dumpPlan(pid, address, length) }, async (checkpoint) => {
    memTarget(checkpoint.images, pid);
    const vmas = vmaInfo(memoryMapOf(checkpoint, pid));
    const pieces = await readRange(ProcessMemory.of(checkpoint, pid), vmas, address, length);
    if (pieces.every((p) => 'missing' in p && p.reason === 'not mapped')) {
      throw new StasisError('not-found', `${hexAddr(address)}..${hexAddr(address + length)} is not mapped in process ${pid}`);
    }
    return { pieces, vmas };
  });
}

export function hexAddr(n: number): string {
  return `0x${n.toString(16)}`;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function printable(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  return s;
}

/** The JSON form of a dumped piece (the CLI's `--json` and the API share it). */
export function pieceJson(p: DumpPiece): MemDumpResult['pieces'][number] {
  return 'missing' in p ? { address: hexAddr(p.address), missing: p.missing, reason: p.reason } : { address: hexAddr(p.address), hex: toHex(p.bytes) };
}

function matchData(m: MemMatch, vmas: VmaInfo[]): MemMatchData {
  const v = vmaAt(vmas, m.address);
  return {
    address: hexAddr(m.address),
    length: m.length,
    vma: v ? { ...v.view, label: vmaLabel(v), offset: hexAddr(m.address - v.start) } : null,
    match: { hex: toHex(m.bytes), text: printable(m.bytes) },
    context: { address: hexAddr(m.contextAddress), hex: toHex(m.context), text: printable(m.context) },
  };
}

/** In the app, refusals name the search form's fields, not the CLI's flags. */
const APP_QUERY_NAMES: QueryNames = { text: 'The search text', regex: 'The regular expression', hex: 'The hex pattern' };

/** The reader's messages, as sentences with what to do added. The code stays, so the renderer can tell bad input from a missing process. */
function forApp(err: unknown): unknown {
  if (!(err instanceof StasisError)) return err;
  let message = err.message.charAt(0).toUpperCase() + err.message.slice(1);
  // The reader says what is wrong; the app adds what to do about it.
  if (/^There is no process|has no (dumped pages|memory)/.test(message)) message += '. Pick another process from the tree.';
  else if (/is not mapped in process/.test(message)) message += '. Enter an address inside one of its mappings (see its memory map).';
  return new StasisError(err.code, message, err.detail);
}

function queryOf(q: MemQueryInput): MemQuery {
  return q.kind === 'text' ? { kind: 'text', text: q.text } : q.kind === 'regex' ? { kind: 'regex', source: q.source } : { kind: 'hex', hex: q.hex };
}

/** `images.memSearch` over an opener (a file or a host's stream). */
export async function memSearchResult(open: CheckpointOpener, input: { pid: number; query: MemQueryInput; max: number; context: number }): Promise<MemSearchResult> {
  try {
    const { searcher, vmas } = await searchMemory(open, input.pid, queryOf(input.query), input.max, input.context, APP_QUERY_NAMES);
    return { pid: input.pid, matches: searcher.matches.map((m) => matchData(m, vmas)), searchedBytes: searcher.searchedBytes, truncated: searcher.full };
  } catch (err) {
    throw forApp(err);
  }
}

/** `images.memDump` over an opener; the address arrives as validated hex. */
export async function memDumpResult(open: CheckpointOpener, input: { pid: number; address: string; length: number }): Promise<MemDumpResult> {
  const address = parseInt(input.address.replace(/^0x/i, ''), 16);
  if (address + input.length > 2 ** 57) throw new StasisError('bad-request', `${input.address} is outside any user address space. Enter an address from the memory map.`);
  try {
    const { pieces, vmas } = await dumpMemory(open, input.pid, address, input.length);
    const end = address + input.length;
    return {
      pid: input.pid,
      address: hexAddr(address),
      length: input.length,
      pieces: pieces.map(pieceJson),
      vmas: vmas.filter((v) => v.start < end && v.end > address).map((v) => ({ start: v.view.start, end: v.view.end, label: vmaLabel(v) })),
    };
  } catch (err) {
    throw forApp(err);
  }
}
