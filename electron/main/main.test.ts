// The Electron binary cannot run on this machine (it cannot be downloaded here), so the `electron` module is
// replaced by recording stand-ins: the test loads the real composition root (main.ts) against them and checks
// that it wires every piece of the shell (the pieces themselves are tested in their own files).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { REQUEST_CHANNELS } from '../../shared/api/contract';

const rec = vi.hoisted(() => ({
  userData: '',
  handles: [] as string[],
  listeners: new Map<string, (event: unknown, input: unknown) => Promise<unknown>>(),
  notifications: [] as { title: string; body: string }[],
  appEvents: [] as string[],
  sessionCalls: [] as string[],
  windows: [] as { options: { webPreferences: Record<string, unknown> }; events: string[]; loaded: string[] }[],
  menuSet: 0,
  lockAsked: 0,
  ready: undefined as undefined | (() => void),
}));

vi.mock('electron', () => {
  class BrowserWindow {
    readonly events: string[] = [];
    readonly loaded: string[] = [];
    readonly webContents = { on: (e: string) => void this.events.push(`webContents:${e}`), id: 1, mainFrame: { url: '' }, isDestroyed: () => false };
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      rec.windows.push(this);
    }
    once(e: string): void {
      this.events.push(e);
    }
    on(e: string): void {
      this.events.push(e);
    }
    loadFile(f: string): Promise<void> {
      this.loaded.push(f);
      return Promise.resolve();
    }
    isDestroyed = () => false;
    isMinimized = () => false;
    isFocused = () => false;
    restore(): void {}
    focus(): void {}
    reload(): void {}
    show(): void {}
  }
  return {
    app: {
      requestSingleInstanceLock: () => (rec.lockAsked++, true),
      quit: () => undefined,
      on: (e: string) => void rec.appEvents.push(e),
      whenReady: () => new Promise<void>((resolve) => (rec.ready = resolve)),
      getPath: () => rec.userData,
    },
    BrowserWindow,
    dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
    ipcMain: {
      handle: (c: string, f: (event: unknown, input: unknown) => Promise<unknown>) => {
        rec.handles.push(c);
        rec.listeners.set(c, f);
      },
    },
    Notification: class {
      static isSupported = () => true;
      constructor(private readonly options: { title: string; body: string }) {}
      show(): void {
        rec.notifications.push(this.options);
      }
    },
    Menu: { buildFromTemplate: (t: unknown[]) => ({ t }), setApplicationMenu: () => void rec.menuSet++ },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => void rec.sessionCalls.push('permission-request'),
        setPermissionCheckHandler: () => void rec.sessionCalls.push('permission-check'),
        webRequest: {
          onHeadersReceived: () => void rec.sessionCalls.push('headers'),
          onBeforeRequest: () => void rec.sessionCalls.push('before-request'),
        },
      },
    },
    shell: { openExternal: () => Promise.resolve() },
  };
});

rec.userData = mkdtempSync(path.join(tmpdir(), 'stasis-main-'));
afterAll(() => rmSync(rec.userData, { recursive: true, force: true }));

describe('main.ts composition', () => {
  it('takes the lock, and once ready installs the baseline, every IPC handler, the menu and one secure window', async () => {
    await import('./main');
    expect(rec.lockAsked).toBe(1);
    expect(rec.appEvents).toEqual(expect.arrayContaining(['second-instance', 'window-all-closed']));
    // Nothing before ready.
    expect(rec.handles).toEqual([]);
    expect(rec.windows).toEqual([]);
    rec.ready!();
    await vi.waitFor(() => expect(rec.windows).toHaveLength(1));
    expect(rec.sessionCalls.sort()).toEqual(['before-request', 'headers', 'permission-check', 'permission-request']);
    expect(rec.appEvents).toContain('web-contents-created');
    expect(rec.handles.sort()).toEqual([...REQUEST_CHANNELS].sort());
    expect(rec.menuSet).toBe(1);
    const [win] = rec.windows;
    expect(win!.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String(win!.options.webPreferences['preload'])).toMatch(/preload\.cjs$/);
    expect(win!.events).toContain('webContents:render-process-gone');
    expect(win!.loaded).toHaveLength(1);
    expect(win!.loaded[0]).toMatch(/renderer[/\\]index\.html$/);
  });

  it('answers app.notify with a notification from the main process (the window itself gets no permission)', async () => {
    const wc = (rec.windows[0] as unknown as { webContents: { id: number; mainFrame: { url: string } } }).webContents;
    wc.mainFrame.url = pathToFileURL(rec.windows[0]!.loaded[0]!).toString();
    const reply = await rec.listeners.get('app.notify')!({ sender: { id: wc.id }, senderFrame: wc.mainFrame }, { title: 'Stasis: done', body: 'Moved web.' });
    expect(reply).toMatchObject({ ok: true, value: { shown: true } });
    expect(rec.notifications).toEqual([{ title: 'Stasis: done', body: 'Moved web.' }]);
  });
});
