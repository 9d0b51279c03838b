import { ApiError } from '../../../shared/api/client';
import { formatBytes } from '../format';
import { toProblem } from './messages';
import type { SliceCreator } from './types';

export interface UploadState {
  name: string;
  size: number;
  busy: boolean;
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
}

export const createOpenFileSlice: SliceCreator<OpenFileSlice> = (set, get, { api, files }) => ({
  fileOpening: files?.pathOf ? 'path' : files?.upload ? 'upload' : 'none',
  upload: undefined,
  async uploadImage(file) {
    if (!files?.upload || get().upload?.busy) return undefined;
    set({ upload: { name: file.name, size: file.size, busy: true } });
    try {
      const path = await files.upload(file);
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
});
