import { BRIDGE_GLOBAL } from '../../shared/api/transport';

/**
 * How this shell turns a file the user has into a path the backend can open. Browser mode uploads it (the backend
 * may run on another machine); Electron knows the file's path on disk (the preload's pathForFile). Given to the
 * store with the API; components never use it themselves.
 */
export interface FileAccess {
  /** Browser mode: streams the file to the serving process; resolves to its path there. */
  upload?(file: File): Promise<string>;
  /** Browser mode: the server may remove an upload whose image was closed (best effort; it also sweeps later). */
  discard?(path: string): Promise<void>;
  /** Electron: the path on disk of a file dropped onto the window, or null (not from disk). */
  pathOf?(file: File): string | null;
}

/** The endpoint of electron/serve/server.ts, and the header that names the file (its name only, URI-encoded). */
export const UPLOAD_URL = '/upload';
export const UPLOAD_NAME_HEADER = 'X-Stasis-Filename';

/**
 * Streams a File with fetch (the body is the File itself: the browser reads it from disk as it sends, nothing is
 * held in memory). The token goes in a header, never the URL. Resolves to the server-side path, or throws the
 * server's own words.
 */
export function httpUpload(token: string, fetchFn: typeof fetch = (...a) => fetch(...a)): (file: File) => Promise<string> {
  return async (file) => {
    let res: Response;
    try {
      res = await fetchFn(UPLOAD_URL, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, [UPLOAD_NAME_HEADER]: encodeURIComponent(file.name), 'Content-Type': 'application/octet-stream' },
        body: file,
      });
    } catch {
      throw new Error(`Could not upload ${file.name}: the Stasis server did not answer. Is "npm run serve" still running?`);
    }
    const reply = (await res.json().catch(() => ({}))) as { path?: unknown; error?: unknown };
    if (!res.ok || typeof reply.path !== 'string') {
      throw new Error(typeof reply.error === 'string' ? reply.error : `Could not upload ${file.name} (HTTP ${res.status}).`);
    }
    return reply.path;
  };
}

/** Electron: the preload's pathForFile. Browser mode: upload to the server this page came from. */
export function pickFileAccess(token: string): FileAccess {
  const bridge = (window as unknown as Record<string, { pathForFile?: (f: unknown) => unknown } | undefined>)[BRIDGE_GLOBAL];
  if (bridge) {
    const pathForFile = bridge.pathForFile;
    return typeof pathForFile === 'function' ? { pathOf: (f) => { const p = pathForFile(f); return typeof p === 'string' && p ? p : null; } } : {};
  }
  return {
    upload: httpUpload(token),
    discard: async (path) => {
      await fetch(`${UPLOAD_URL}?path=${encodeURIComponent(path)}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }).catch(() => undefined);
    },
  };
}
