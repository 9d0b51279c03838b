import { BRIDGE_GLOBAL } from '../../shared/api/transport';

/**
 * How this shell turns a file the user has into a path the backend can open. Browser mode uploads it (the backend
 * may run on another machine); Electron knows the file's path on disk (the preload's pathForFile). Given to the
 * store with the API; components never use it themselves.
 */
export interface FileAccess {
  /** Browser mode: streams the file to the serving process; resolves to its path there. `onProgress`: bytes sent so far. */
  upload?(file: File, onProgress?: (sent: number) => void): Promise<string>;
  /** Browser mode: the server may remove an upload whose image was closed (best effort; it also sweeps later). */
  discard?(path: string): Promise<void>;
  /** Electron: the path on disk of a file dropped onto the window, or null (not from disk). */
  pathOf?(file: File): string | null;
}

/** The endpoint of electron/serve/server.ts, and the header that names the file (its name only, URI-encoded). */
export const UPLOAD_URL = '/upload';
export const UPLOAD_NAME_HEADER = 'X-Stasis-Filename';

/** One POST of a file: the status and body of the reply; `onProgress` hears the bytes sent so far. */
export type UploadPost = (
  url: string,
  init: { headers: Record<string, string>; body: File; onProgress?: ((sent: number) => void) | undefined },
) => Promise<{ status: number; body: string }>;

/**
 * XMLHttpRequest, not fetch: only it reports how much of a request body has gone (`upload.onprogress`), for the
 * progress bar. The body is the File itself, read from disk by the browser as it sends.
 */
export const xhrPost: UploadPost = (url, { headers, body, onProgress }) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText });
    xhr.onerror = () => reject(new Error('network error'));
    xhr.onabort = () => reject(new Error('aborted'));
    xhr.send(body);
  });

/**
 * Streams a File to the server (nothing is held in memory). The token goes in a header, never the URL. Resolves to
 * the server-side path, or throws the server's own words.
 */
export function httpUpload(token: string, post: UploadPost = xhrPost): (file: File, onProgress?: (sent: number) => void) => Promise<string> {
  return async (file, onProgress) => {
    let res: { status: number; body: string };
    try {
      res = await post(UPLOAD_URL, {
        headers: { Authorization: `Bearer ${token}`, [UPLOAD_NAME_HEADER]: encodeURIComponent(file.name), 'Content-Type': 'application/octet-stream' },
        body: file,
        onProgress,
      });
    } catch {
      throw new Error(`Could not upload ${file.name}: the Stasis server did not answer. Is "npm run serve" still running?`);
    }
    let reply: { path?: unknown; error?: unknown } = {};
    try {
      reply = JSON.parse(res.body) as typeof reply;
    } catch {
      // not JSON: said below by its status
    }
    if (res.status < 200 || res.status > 299 || typeof reply?.path !== 'string') {
      throw new Error(typeof reply?.error === 'string' ? reply.error : `Could not upload ${file.name} (HTTP ${res.status}).`);
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
