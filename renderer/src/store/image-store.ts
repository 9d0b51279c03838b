import { createContext, createElement, useContext, type ReactNode } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import { ApiError } from '../../../shared/api/client';
import type { MemDumpResult, MemQueryInput, MemSearchResult, MemSource, StasisClient } from '../../../shared/api/contract';
import type { InspectReportData } from '../../../shared/domain/inspect-report';
import type { ProcessParts, ReportSummary } from '../../../shared/domain/report-parts';
import { extendPieces, piecesFromApi, windowAround, type DumpPieceView } from '../hex-rows';
import { toProblem, type Problem } from './messages';

/** A checkpoint to look inside: a file on the machine Stasis runs on, or one stored on a host. */
export type ImageSource = { path: string } | { hostId: string; checkpointId: string };

export const imageKey = (source: ImageSource): string => ('path' in source ? source.path : `${source.hostId}:${source.checkpointId}`);

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

/** A part of the report read on demand: busy while it is read, then its value or what went wrong. */
export interface Part<T> {
  busy: boolean;
  value?: T;
  error?: string;
}

export type Socket = InspectReportData['sockets'][number];

/**
 * One open checkpoint: its report, read in parts (the summary first, each process's fds when it is selected, the
 * sockets when their tab opens: shared/domain/report-parts.ts), and the memory panels of its processes. Created when the image view opens a
 * checkpoint and dropped with the view, so nothing of a closed image stays in memory.
 */
export interface ImageState {
  source: ImageSource;
  key: string;
  loading: boolean;
  report?: ReportSummary;
  problem?: Problem;
  load(): Promise<void>;
  /** Each process's fds, environment, memory map and socket peers, by pid, once asked for. */
  parts: Record<number, Part<ProcessParts>>;
  loadProcess(pid: number): Promise<void>;
  sockets: Part<Socket[]>;
  loadSockets(): Promise<void>;
  /** One memory panel per process, by pid. */
  memory: Record<number, MemoryPanel>;
  setQuery(pid: number, patch: Partial<Pick<MemoryPanel, 'kind' | 'text'>>): void;
  search(pid: number): Promise<void>;
  /** Shows DUMP_STEP bytes around `address` (a match, or an address the user typed). */
  dumpAt(pid: number, address: number, highlight?: { address: number; length: number }): Promise<void>;
  /** Reads the next (or previous) DUMP_STEP bytes beside those shown. */
  dumpMore(pid: number, side: 'before' | 'after'): Promise<void>;
}

export type ImageStore = StoreApi<ImageState>;

const EMPTY_PANEL: MemoryPanel = { kind: 'text', text: '', busy: false };
const message = (err: unknown): string => toProblem(err).message;
const hex = (n: number): string => `0x${n.toString(16)}`;

function queryOf(kind: QueryKind, text: string): MemQueryInput {
  return kind === 'text' ? { kind, text } : kind === 'regex' ? { kind, source: text } : { kind, hex: text };
}

export function createImageStore(
  api: StasisClient,
  source: ImageSource,
  onOpened?: (source: ImageSource) => void,
  /** After the summary's read, whether it worked or not. */
  onSettled?: () => void,
): ImageStore {
  const memSource: MemSource = source;
  return createStore<ImageState>()((set, get) => {
    const panel = (pid: number): MemoryPanel => get().memory[pid] ?? EMPTY_PANEL;
    const update = (pid: number, patch: Partial<MemoryPanel>): void => set((s) => ({ memory: { ...s.memory, [pid]: { ...(s.memory[pid] ?? EMPTY_PANEL), ...patch } } }));
    const updateDump = (pid: number, patch: Partial<DumpView>): void => {
      const d = panel(pid).dump;
      if (d) update(pid, { dump: { ...d, ...patch } });
    };
    return {
      source,
      key: imageKey(source),
      loading: false,
      memory: {},
      parts: {},
      sockets: { busy: false },

      async load() {
        set({ loading: true, problem: undefined });
        try {
          const report = await api.images.summary({ source: memSource });
          set((s) => ({ report, loading: false, parts: report.first ? { ...s.parts, [report.first.pid]: { busy: false, value: report.first } } : s.parts }));
          onOpened?.(source);
        } catch (err) {
          set({ problem: toProblem(err), loading: false });
        } finally {
          onSettled?.();
        }
      },

      async loadProcess(pid) {
        const known = get().parts[pid];
        if (known?.busy || known?.value) return;
        const put = (part: Part<ProcessParts>): void => set((s) => ({ parts: { ...s.parts, [pid]: part } }));
        put({ busy: true });
        try {
          put({ busy: false, value: await api.images.process({ source: memSource, pid }) });
        } catch (err) {
          put({ busy: false, error: message(err) });
        }
      },

      async loadSockets() {
        const { busy, value } = get().sockets;
        if (busy || value) return;
        set({ sockets: { busy: true } });
        try {
          set({ sockets: { busy: false, value: await api.images.sockets({ source: memSource }) } });
        } catch (err) {
          set({ sockets: { busy: false, error: message(err) } });
        }
      },

      setQuery: (pid, patch) => update(pid, patch),

      async search(pid) {
        const { kind, text, busy } = panel(pid);
        if (busy || !text) return;
        update(pid, { busy: true, startedAt: Date.now(), error: undefined });
        try {
          const result = await api.images.memSearch({ source: memSource, pid, query: queryOf(kind, text) });
          update(pid, { busy: false, result, searched: kind === 'text' ? JSON.stringify(text) : kind === 'regex' ? `/${text}/` : `hex ${text}`, dump: undefined });
        } catch (err) {
          update(pid, { busy: false, error: message(err) });
        }
      },

      async dumpAt(pid, address, highlight) {
        // A match is shown with some bytes before it; an address typed by hand is where the view starts.
        const { start, length } = highlight ? windowAround(address, BEFORE_MATCH, DUMP_STEP) : { start: address, length: DUMP_STEP };
        update(pid, { dump: { start, end: start, pieces: [], vmas: [], busy: true, ...(highlight ? { highlight } : {}) } });
        try {
          const r = await api.images.memDump({ source: memSource, pid, address: hex(start), length });
          updateDump(pid, { end: start + length, pieces: piecesFromApi(r.pieces), vmas: r.vmas, busy: false });
        } catch (err) {
          updateDump(pid, { busy: false, error: message(err) });
        }
      },

      async dumpMore(pid, side) {
        const d = panel(pid).dump;
        if (!d || d.busy || (side === 'before' && d.start === 0)) return;
        const from = side === 'after' ? d.end : Math.max(0, d.start - DUMP_STEP);
        const to = side === 'after' ? d.end + DUMP_STEP : d.start;
        updateDump(pid, { busy: true, error: undefined });
        try {
          const r = await api.images.memDump({ source: memSource, pid, address: hex(from), length: to - from });
          const vmas = [...d.vmas, ...r.vmas.filter((v) => !d.vmas.some((o) => o.start === v.start))];
          updateDump(pid, { pieces: extendPieces(d.pieces, piecesFromApi(r.pieces), side), vmas, busy: false, ...(side === 'after' ? { end: to } : { start: from }) });
        } catch (err) {
          // Reading on past the last mapping is not a failure: the rows say so, and the user can still go the other way.
          if (err instanceof ApiError && err.code === 'not-found' && /not mapped/.test(err.message)) {
            updateDump(pid, { pieces: extendPieces(d.pieces, [{ address: from, missing: to - from, reason: 'not mapped' }], side), busy: false, ...(side === 'after' ? { end: to } : { start: from }) });
          } else {
            updateDump(pid, { busy: false, error: message(err) });
          }
        }
      },
    };
  });
}

const ImageContext = createContext<ImageStore | null>(null);

export function ImageStoreProvider({ store, children }: { store: ImageStore; children: ReactNode }) {
  return createElement(ImageContext.Provider, { value: store }, children);
}

/** Reads the open image's store (inside ImageView) through a selector. */
export function useImage<T>(selector: (s: ImageState) => T): T {
  const store = useContext(ImageContext);
  if (!store) throw new Error('useImage outside <ImageStoreProvider>');
  return useStore(store, selector);
}
