import { create } from 'zustand';
import { ApiError } from '../../../shared/api/client';
import type { MemDumpResult, MemQueryInput, MemSearchResult, MemSource } from '../../../shared/api/contract';
import { api } from '../api';
import { extendPieces, piecesFromApi, windowAround, type DumpPieceView } from '../hex-rows';

export type QueryKind = MemQueryInput['kind'];

/** Bytes fetched at a time; well under the API's 64 KiB cap, so a click answers quickly even from a big archive. */
export const DUMP_STEP = 1024;
const BEFORE_MATCH = 256;

export interface DumpView {
  start: number;
  end: number;
  pieces: DumpPieceView[];
  vmas: MemDumpResult['vmas'];
  /** The match the dump was opened for, marked in the rows. */
  highlight?: { address: number; length: number };
  busy: boolean;
  error?: string;
}

export interface MemoryPanel {
  kind: QueryKind;
  text: string;
  busy: boolean;
  /** When the running search started (Date.now()), for the elapsed time shown while it runs. */
  startedAt?: number;
  error?: string;
  result?: MemSearchResult;
  /** The query the result is for, so the summary does not change as the input is edited. */
  searched?: string;
  dump?: DumpView;
}

interface MemoryState {
  /** One panel per open checkpoint and process: `${imageKey}#${pid}`. */
  panels: Record<string, MemoryPanel>;
  setQuery(key: string, patch: Partial<Pick<MemoryPanel, 'kind' | 'text'>>): void;
  search(key: string, source: MemSource, pid: number): Promise<void>;
  /** Shows DUMP_STEP bytes around `address` (a match, or an address the user typed). */
  dumpAt(key: string, source: MemSource, pid: number, address: number, highlight?: { address: number; length: number }): Promise<void>;
  /** Reads the next (or previous) DUMP_STEP bytes beside those shown. */
  dumpMore(key: string, source: MemSource, pid: number, side: 'before' | 'after'): Promise<void>;
}

const EMPTY: MemoryPanel = { kind: 'text', text: '', busy: false };

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function queryOf(kind: QueryKind, text: string): MemQueryInput {
  return kind === 'text' ? { kind, text } : kind === 'regex' ? { kind, source: text } : { kind, hex: text };
}

const hex = (n: number): string => `0x${n.toString(16)}`;

export const useMemory = create<MemoryState>()((set, get) => {
  const panel = (key: string): MemoryPanel => get().panels[key] ?? EMPTY;
  const update = (key: string, patch: Partial<MemoryPanel>): void => set((s) => ({ panels: { ...s.panels, [key]: { ...(s.panels[key] ?? EMPTY), ...patch } } }));
  const updateDump = (key: string, patch: Partial<DumpView>): void => {
    const d = panel(key).dump;
    if (d) update(key, { dump: { ...d, ...patch } });
  };
  return {
    panels: {},
    setQuery: (key, patch) => update(key, patch),
    async search(key, source, pid) {
      const { kind, text, busy } = panel(key);
      if (busy || !text) return;
      update(key, { busy: true, startedAt: Date.now(), error: undefined });
      try {
        const result = await api.images.memSearch({ source, pid, query: queryOf(kind, text) });
        update(key, { busy: false, result, searched: kind === 'text' ? JSON.stringify(text) : kind === 'regex' ? `/${text}/` : `hex ${text}`, dump: undefined });
      } catch (err) {
        update(key, { busy: false, error: message(err) });
      }
    },
    async dumpAt(key, source, pid, address, highlight) {
      // A match is shown with some bytes before it; an address typed by hand is where the view starts.
      const { start, length } = highlight ? windowAround(address, BEFORE_MATCH, DUMP_STEP) : { start: address, length: DUMP_STEP };
      update(key, { dump: { start, end: start, pieces: [], vmas: [], busy: true, ...(highlight ? { highlight } : {}) } });
      try {
        const r = await api.images.memDump({ source, pid, address: hex(start), length });
        updateDump(key, { end: start + length, pieces: piecesFromApi(r.pieces), vmas: r.vmas, busy: false });
      } catch (err) {
        updateDump(key, { busy: false, error: message(err) });
      }
    },
    async dumpMore(key, source, pid, side) {
      const d = panel(key).dump;
      if (!d || d.busy || (side === 'before' && d.start === 0)) return;
      const from = side === 'after' ? d.end : Math.max(0, d.start - DUMP_STEP);
      const to = side === 'after' ? d.end + DUMP_STEP : d.start;
      updateDump(key, { busy: true, error: undefined });
      try {
        const r = await api.images.memDump({ source, pid, address: hex(from), length: to - from });
        const vmas = [...d.vmas, ...r.vmas.filter((v) => !d.vmas.some((o) => o.start === v.start))];
        updateDump(key, { pieces: extendPieces(d.pieces, piecesFromApi(r.pieces), side), vmas, busy: false, ...(side === 'after' ? { end: to } : { start: from }) });
      } catch (err) {
        // Reading on past the last mapping is not a failure: the rows say so, and the user can still go the other way.
        if (err instanceof ApiError && err.code === 'not-found' && /not mapped/.test(err.message)) {
          updateDump(key, { pieces: extendPieces(d.pieces, [{ address: from, missing: to - from, reason: 'not mapped' }], side), busy: false, ...(side === 'after' ? { end: to } : { start: from }) });
        } else {
          updateDump(key, { busy: false, error: message(err) });
        }
      }
    },
  };
});
