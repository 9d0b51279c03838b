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
  /** A checkpoint in a host's store, read through its helper (shown under the key "host:id"). */
  openStored(hostId: string, checkpointId: string): Promise<void>;
}

/** Reports of the checkpoints the user opened, by path; reopening a path reads it again. */
export const useImages = create<ImageState>()((set) => {
  const load = async (key: string, read: () => Promise<InspectReportData>): Promise<void> => {
    set((s) => ({ images: { ...s.images, [key]: { path: key, loading: true } } }));
    try {
      const report = await read();
      set((s) => ({ images: { ...s.images, [key]: { path: key, report, loading: false } } }));
    } catch (err) {
      set((s) => ({ images: { ...s.images, [key]: { path: key, loading: false, error: err instanceof Error ? err.message : String(err) } } }));
    }
  };
  return {
    images: {},
    recent: [],
    async open(path) {
      set((s) => ({ recent: [path, ...s.recent.filter((p) => p !== path)].slice(0, 8) }));
      await load(path, () => api.images.inspectFile({ path }));
    },
    openStored: (hostId, checkpointId) => load(`${hostId}:${checkpointId}`, () => api.checkpoints.report({ hostId, checkpointId })),
  };
});
