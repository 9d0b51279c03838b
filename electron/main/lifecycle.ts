// The app's life: one instance per user, and a renderer that crashed is replaced by a fresh one. Electron's
// app and BrowserWindow come in from main.ts; the unit test passes recording stand-ins.

export interface LifecycleApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance' | 'window-all-closed', listener: () => void): unknown;
  whenReady(): Promise<unknown>;
}

export interface ShellWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
  reload(): void;
  webContents: { on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string }) => void): unknown };
}

/**
 * Takes the single-instance lock: a second start only brings the first one's window forward, and quits.
 * `start` runs once the app is ready, in the instance that holds the lock. Returns whether this one runs.
 */
export function runSingleInstance(app: LifecycleApp, window: () => ShellWindow | undefined, start: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    const w = window();
    if (!w || w.isDestroyed()) return;
    if (w.isMinimized()) w.restore();
    w.focus();
  });
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(start);
  return true;
}

/** A crashed or killed renderer cannot be trusted to resume where it was: load the bundle afresh. */
export function reloadOnCrash(win: ShellWindow): void {
  win.webContents.on('render-process-gone', (_e, details) => {
    if (details.reason !== 'clean-exit' && !win.isDestroyed()) win.reload();
  });
}
