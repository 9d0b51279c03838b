import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../serve/csp';

/** The renderer is our own bundle loaded from disk; nothing else may ever be navigated to. */
export function isTrustedUrl(url: string, rendererIndexUrl: string): boolean {
  return url === rendererIndexUrl || url.startsWith(`${rendererIndexUrl}#`);
}

/** A request the renderer may make: a file of our own bundle (its folder, not the rest of the disk) or devtools. */
export function isAllowedRequest(url: string, rendererIndexUrl: string): boolean {
  if (url.startsWith('devtools://')) return true;
  const bundleDir = pathToFileURL(path.dirname(fileURLToPath(rendererIndexUrl))).toString();
  if (!url.startsWith(`${bundleDir}/`)) return false;
  // "..", encoded or not, would walk out of the folder the prefix names.
  return !/(^|\/)(\.|%2e){2}(\/|%2f|$)/i.test(url.slice(bundleDir.length));
}

/** Links to documentation open in the user's browser; only https, nothing the OS would run. */
export function isExternalLink(url: string): boolean {
  return /^https:\/\//.test(url);
}

// The parts of Electron's session, app and webContents the baseline touches, as the baseline uses them; main.ts
// passes the real objects (the compiler checks they fit) and the unit test passes recording stand-ins.
type Callback<T> = (response: T) => void;
export interface SessionLike {
  setPermissionRequestHandler(handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (wc: unknown, permission: string) => boolean): void;
  webRequest: {
    onHeadersReceived(listener: (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: Callback<{ responseHeaders: Record<string, string[]> }>) => void): void;
    onBeforeRequest(listener: (details: { url: string }, callback: Callback<{ cancel: boolean }>) => void): void;
  };
}
export interface PreventableEvent {
  preventDefault(): void;
}
export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}
export interface AppLike {
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
}
export interface SecurityDeps {
  session: SessionLike;
  app: AppLike;
  openExternal(url: string): Promise<void>;
}

/** Locks down every webContents the app will ever have, before the first window exists. */
export function applySecurityBaseline(rendererIndexUrl: string, deps: SecurityDeps): void {
  const { session, app } = deps;
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // Only our bundle and devtools; block every network request the renderer might make.
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url, rendererIndexUrl) });
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedUrl(url, rendererIndexUrl)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // The app itself never opens windows.
      if (isExternalLink(url)) void deps.openExternal(url).catch(() => undefined);
      return { action: 'deny' };
    });
  });
}
