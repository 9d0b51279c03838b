import { create } from 'zustand';
import type { InspectReportData } from '../../../shared/domain/inspect-report';
import { api } from '../api';

export interface OpenImage {
  path: string;
  report?: InspectReportData;
  error?: string;
  loading: boolean;
}

interface ImageState {
  images: Record<string, OpenImage>;
  recent: string[];
  open(path: string): Promise<void>;
}

/** Reports of the checkpoints the user opened, by path; reopening a path reads it again. */
export const useImages = create<ImageState>()((set) => ({
  images: {},
  recent: [],
  async open(path) {
    set((s) => ({ images: { ...s.images, [path]: { path, loading: true } }, recent: [path, ...s.recent.filter((p) => p !== path)].slice(0, 8) }));
    try {
      const report = await api.images.inspectFile({ path });
      set((s) => ({ images: { ...s.images, [path]: { path, report, loading: false } } }));
    } catch (err) {
      set((s) => ({ images: { ...s.images, [path]: { path, loading: false, error: err instanceof Error ? err.message : String(err) } } }));
    }
  },
}));
