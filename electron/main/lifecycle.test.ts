// The Electron binary cannot run on this machine (it cannot be downloaded here), so app and BrowserWindow are
// small recording stand-ins that let the test fire second-instance, window-all-closed and render-process-gone.
import { describe, expect, it } from 'vitest';
import { reloadOnCrash, runSingleInstance, type LifecycleApp, type ShellWindow } from './lifecycle';

class AppStandIn implements LifecycleApp {
  quits = 0;
  readonly listeners = new Map<string, () => void>();
  constructor(private readonly gotLock: boolean) {}
  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }
  quit(): void {
    this.quits++;
  }
  on(event: string, l: () => void): this {
    this.listeners.set(event, l);
    return this;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
}

class WindowStandIn implements ShellWindow {
  destroyed = false;
  minimized = false;
  readonly log: string[] = [];
  gone?: (e: unknown, d: { reason: string }) => void;
  readonly webContents = { on: (_ev: 'render-process-gone', l: (e: unknown, d: { reason: string }) => void) => void (this.gone = l) };
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.log.push('restore');
  }
  focus(): void {
    this.log.push('focus');
  }
  reload(): void {
    this.log.push('reload');
  }
}

const ready = () => new Promise((r) => setImmediate(r));

describe('single-instance lock', () => {
  it('a second instance quits at once and never starts', async () => {
    const app = new AppStandIn(false);
    let started = 0;
    expect(runSingleInstance(app, () => undefined, () => void started++)).toBe(false);
    await ready();
    expect(app.quits).toBe(1);
    expect(started).toBe(0);
    expect(app.listeners.size).toBe(0);
  });

  it('the first instance starts once ready, and a second start brings its window forward', async () => {
    const app = new AppStandIn(true);
    const win = new WindowStandIn();
    let started = 0;
    expect(runSingleInstance(app, () => win, () => void started++)).toBe(true);
    await ready();
    expect(started).toBe(1);
    win.minimized = true;
    app.listeners.get('second-instance')!();
    expect(win.log).toEqual(['restore', 'focus']);
    win.destroyed = true;
    app.listeners.get('second-instance')!();
    expect(win.log).toEqual(['restore', 'focus']);
    expect(app.quits).toBe(0);
    app.listeners.get('window-all-closed')!();
    expect(app.quits).toBe(1);
  });
});

describe('renderer crash', () => {
  it('reloads the bundle after a crash or kill, not after a clean exit or once the window is gone', () => {
    const win = new WindowStandIn();
    reloadOnCrash(win);
    for (const reason of ['crashed', 'killed', 'oom', 'launch-failed', 'integrity-failure', 'abnormal-exit']) win.gone!({}, { reason });
    expect(win.log).toEqual(Array(6).fill('reload'));
    win.gone!({}, { reason: 'clean-exit' });
    win.destroyed = true;
    win.gone!({}, { reason: 'crashed' });
    expect(win.log).toHaveLength(6);
  });
});
