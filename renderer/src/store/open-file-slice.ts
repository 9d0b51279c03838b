import { ApiError } from '../../../shared/api/client';
import { formatBytes } from '../format';
import { toProblem } from './messages';
import type { SliceCreator } from './types';

export interface UploadState {
  name: string;
  size: number;
  busy: boolean;
  /** Bytes sent so far, while it goes. */
  sent?: number;
  error?: string;
}

/**
 * Opening a checkpoint the user has as a file: upload it (browser mode), pick it (Electron's native picker), or drop
 * it onto the window. Each resolves to a path the image browser opens (`#/image?path=`), or undefined.
 */
export interface OpenFileSlice {
  /** What this shell offers: 'upload' (browser mode), 'path' (Electron: picker and drop), or nothing. */
  fileOpening: 'upload' | 'path' | 'none';
  upload: UploadState | undefined;
  uploadImage(file: File): Promise<string | undefined>;
  pickImageFile(): Promise<string | undefined>;
  /** A file dropped onto the window: its path in Electron, uploaded in browser mode. */
  droppedImageFile(file: File): Promise<string | undefined>;
  /** The image view shows / stops showing a path; an upload no view shows any more is removed on the server. */
  imageOpened(path: string): void;
  imageClosed(path: string): void;
}

/** A view that closes and opens again at once (React's strict mode, a re-render by route) keeps its upload. */
export const DISCARD_AFTER_MS = 1000;

export const createOpenFileSlice: SliceCreator<OpenFileSlice> = (set, get, deps) => {
  const { api, files } = deps;
  /** Paths this tab uploaded, and how many image views show each now. */
  const uploaded = new Map<string, number>();
  return {
    fileOpening: files?.pathOf ? 'path' : files?.upload ? 'upload' : 'none',
    upload: undefined,
    async uploadImage(file) {
      if (!files?.upload || get().upload?.busy) return undefined;
      set({ upload: { name: file.name, size: file.size, busy: true } });
      try {
        const path = await files.upload(file, (sent) => {
          const now = get().upload;
          if (now?.busy && now.name === file.name) set({ upload: { ...now, sent } });
        });
        uploaded.set(path, 0);
        set({ upload: undefined });
        return path;
      } catch (err) {
        set({ upload: { name: file.name, size: file.size, busy: false, error: toProblem(err).message } });
        return undefined;
      }
    },
    async pickImageFile() {
      try {
        return (await api.app.pickFile({})).path ?? undefined;
      } catch (err) {
        // Browser mode has no picker (the view offers upload there); anything else is shown where the upload's would be.
        if (!(err instanceof ApiError && err.code === 'not-supported')) set({ upload: { name: '', size: 0, busy: false, error: toProblem(err).message } });
        return undefined;
      }
    },
    async droppedImageFile(file) {
      const path = files?.pathOf?.(file);
      if (path) return path;
      if (files?.upload) return get().uploadImage(file);
      set({ upload: { name: file.name, size: file.size, busy: false, error: `${file.name} (${formatBytes(file.size)}) is not a file on disk: drop a checkpoint archive from a folder.` } });
      return undefined;
    },
    imageOpened(path) {
      const n = uploaded.get(path);
      if (n !== undefined) uploaded.set(path, n + 1);
    },
    imageClosed(path) {
      const n = uploaded.get(path);
      if (n === undefined) return;
      uploaded.set(path, Math.max(0, n - 1));
      deps.setTimeout(() => {
        if (uploaded.get(path) !== 0) return;
        uploaded.delete(path);
        void files?.discard?.(path);
      }, DISCARD_AFTER_MS);
    },
  };
};
