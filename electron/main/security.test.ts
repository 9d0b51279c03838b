// The Electron binary cannot run on this machine (it cannot be downloaded here), so session, app and webContents
// are small recording stand-ins: they keep the handlers the baseline installs and let the test fire Electron's
// events at them. e2e/electron.spec.ts checks the same against a live window where a binary exists.
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../serve/csp';
import { applySecurityBaseline, type PreventableEvent, type SecurityDeps, type SessionLike, type WebContentsLike } from './security';

const INDEX = 'file:///opt/Stasis/resources/app/dist/renderer/index.html';

type Listener = (...args: never[]) => unknown;

class ContentsStandIn implements WebContentsLike {
  readonly listeners = new Map<string, Listener>();
  openHandler?: (d: { url: string }) => { action: 'deny' };
  on(event: string, listener: Listener): this {
    this.listeners.set(event, listener);
    return this;
  }
  setWindowOpenHandler(handler: (d: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  /** Fires an event the way Electron does; true when the handler prevented it. */
  fire(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url = ''): boolean {
    let prevented = false;
    const e: PreventableEvent = { preventDefault: () => void (prevented = true) };
    const l = this.listeners.get(event) as ((e: PreventableEvent, url: string) => void) | undefined;
    if (!l) throw new Error(`no ${event} handler installed`);
    l(e, url);
    return prevented;
  }
}

function setUp() {
  const s = {
    permissionRequest: undefined as undefined | ((wc: unknown, p: string, cb: (g: boolean) => void) => void),
    permissionCheck: undefined as undefined | ((wc: unknown, p: string) => boolean),
    headers: undefined as undefined | ((d: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void),
    before: undefined as undefined | ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
  };
  const session: SessionLike = {
    setPermissionRequestHandler: (h) => void (s.permissionRequest = h),
    setPermissionCheckHandler: (h) => void (s.permissionCheck = h),
    webRequest: { onHeadersReceived: (l) => void (s.headers = l), onBeforeRequest: (l) => void (s.before = l) },
  };
  let created: ((e: unknown, c: WebContentsLike) => void) | undefined;
  const opened: string[] = [];
  const deps: SecurityDeps = {
    session,
    app: { on: (_event, l) => void (created = l) },
    openExternal: async (url) => void opened.push(url),
  };
  applySecurityBaseline(INDEX, deps);
  const contents = new ContentsStandIn();
  created!({}, contents);
  const request = (url: string): boolean => {
    let cancel: boolean | undefined;
    s.before!({ url }, (r) => (cancel = r.cancel));
    return cancel!;
  };
  return { s, contents, opened, request };
}

describe('security baseline', () => {
  it('lets the window navigate only within our bundle', () => {
    const { contents } = setUp();
    expect(contents.fire('will-navigate', INDEX)).toBe(false);
    expect(contents.fire('will-navigate', `${INDEX}#/hosts`)).toBe(false);
    for (const url of ['https://criu.org/', 'http://127.0.0.1:5176/', 'file:///etc/passwd', 'file:///opt/Stasis/resources/app/dist/renderer/other.html', `${INDEX}.html`, 'javascript:alert(1)', 'data:text/html,x', 'about:blank']) {
      expect(contents.fire('will-navigate', url), url).toBe(true);
    }
  });

  it('refuses every redirect and every webview', () => {
    const { contents } = setUp();
    expect(contents.fire('will-redirect', INDEX)).toBe(true);
    expect(contents.fire('will-redirect', 'https://example.com/')).toBe(true);
    expect(contents.fire('will-attach-webview')).toBe(true);
  });

  it('never opens a window; an https link goes to the user browser, nothing else does', () => {
    const { contents, opened } = setUp();
    for (const url of ['https://criu.org/Main_Page', 'http://criu.org/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', INDEX]) {
      expect(contents.openHandler!({ url }), url).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://criu.org/Main_Page']);
  });

  it('denies every permission request and check', () => {
    const { s } = setUp();
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem', 'unknown']) {
      let granted: boolean | undefined;
      s.permissionRequest!({}, p, (g) => (granted = g));
      expect(granted, p).toBe(false);
      expect(s.permissionCheck!({}, p), p).toBe(false);
    }
  });

  it('cancels every request that is not a file of our bundle (or devtools)', () => {
    const { request } = setUp();
    expect(request(INDEX)).toBe(false);
    expect(request('file:///opt/Stasis/resources/app/dist/renderer/assets/index-abc.js')).toBe(false);
    expect(request('devtools://devtools/bundled/inspector.html')).toBe(false);
    for (const url of ['https://evil.example/x.js', 'http://127.0.0.1:5176/api', 'ws://127.0.0.1:1/', 'data:text/plain,x', 'file:///etc/passwd', 'file:///opt/Stasis/resources/app/dist/renderer/../../secrets.json', 'file:///opt/Stasis/resources/app/dist/renderer/%2e%2e/x', 'file:///opt/Stasis/resources/app/dist/renderer-evil/x.js']) {
      expect(request(url), url).toBe(true);
    }
  });

  it('puts the CSP on every response, replacing any the response brought', () => {
    const { s } = setUp();
    let headers: Record<string, string[]> | undefined;
    s.headers!({ url: INDEX, responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    s.headers!({ url: INDEX }, (r) => (headers = r.responseHeaders));
    expect(headers!['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
  });
});
