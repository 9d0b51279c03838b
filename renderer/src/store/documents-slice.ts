import type { ReportDiffData } from '../../../shared/domain/report-diff';
import { createImageStore, type ImageSource, type ImageStore } from './image-store';
import { toProblem, type Problem } from './messages';
import type { SliceCreator } from './types';

/** Two checkpoints to compare: two files, or two stored on hosts (the same host or two). */
export type DiffSource = { a: string; b: string } | { hostId: string; before: string; after: string; afterHostId?: string };

export const diffKey = (d: DiffSource): string =>
  'a' in d ? `${d.a}|${d.b}` : `${d.hostId}:${d.before}|${d.afterHostId && d.afterHostId !== d.hostId ? `${d.afterHostId}:` : ''}${d.after}`;

export interface DiffState {
  key: string;
  loading: boolean;
  result?: ReportDiffData;
  problem?: Problem;
}

export interface DocumentsSlice {
  /** Paths opened with success, newest first (failed ones are not kept). */
  recentImages: string[];
  /** A fresh store for one open image; the caller (the image view) drops it when the image closes. */
  newImageStore(source: ImageSource): ImageStore;
  diff: DiffState | undefined;
  compare(source: DiffSource): Promise<void>;
  closeDiff(): void;
}

export const createDocumentsSlice: SliceCreator<DocumentsSlice> = (set, get, { api }) => ({
  recentImages: [],
  newImageStore: (source) =>
    createImageStore(
      api,
      source,
      (opened) => {
        if ('path' in opened) set((s) => ({ recentImages: [opened.path, ...s.recentImages.filter((p) => p !== opened.path)].slice(0, 8) }));
      },
      // The hosts' lists wait for the first image a deep link opens (containers-slice holdLists).
      () => get().releaseLists(),
    ),
  diff: undefined,
  async compare(source) {
    const key = diffKey(source);
    set({ diff: { key, loading: true } });
    try {
      const result = 'a' in source ? await api.images.diffFiles(source) : await api.checkpoints.diff(source);
      if (get().diff?.key === key) set({ diff: { key, loading: false, result } });
    } catch (err) {
      if (get().diff?.key === key) set({ diff: { key, loading: false, problem: toProblem(err) } });
    }
  },
  closeDiff: () => set({ diff: undefined }),
});
