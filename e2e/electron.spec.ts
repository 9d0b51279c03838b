import { _electron as electron, test, expect } from '@playwright/test';
import { findElectronBinary } from '../scripts/electron-binary.mjs';

// The shell's security list against the live app where an Electron binary exists (README: "The Electron app's
// own test"). Where it cannot be downloaded, this skips and says why; electron/main/*.test.ts and
// electron/preload/bridge.test.ts check the same logic with stand-ins on every machine.
const found = findElectronBinary();
const bin = 'path' in found ? { path: found.path, why: '' } : { path: undefined, why: found.why };

test('Electron app opens its window with the security baseline', async () => {
  if (!bin.path) console.log(`[skipped] Electron e2e: ${bin.why}. It runs wherever "npx install-electron" can fetch the binary.`);
  test.skip(!bin.path, `Electron binary unavailable: ${bin.why}`);
  const app = await electron.launch({ executablePath: bin.path!, args: ['dist/electron/main.cjs'] });
  try {
    const window = await app.firstWindow();
    const heading = window.getByRole('heading', { name: 'This computer' });
    await expect(heading).toBeVisible({ timeout: 30_000 });
    // contextIsolation + sandbox + no nodeIntegration: the page sees neither Node nor the preload's scope.
    expect(await window.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['undefined', 'undefined']);

    // Preload: exactly invoke/on/pathForFile; a contract channel reaches main (sender check passes for our main frame); others don't.
    type Bridge = { invoke(c: string, i: unknown): Promise<{ ok: boolean; value?: { mode?: string }; error?: { code: string } }> };
    expect(await window.evaluate(() => Object.keys((globalThis as unknown as Record<string, object>)['stasisBridge']!).sort())).toEqual(['invoke', 'on', 'pathForFile']);
    expect(await window.evaluate(async () => (await (globalThis as unknown as { stasisBridge: Bridge }).stasisBridge.invoke('app.info', {})).value?.mode)).toBe('electron');
    expect(await window.evaluate(async () => (await (globalThis as unknown as { stasisBridge: Bridge }).stasisBridge.invoke('no.such', {})).error?.code)).toBe('bad-request');

    // CSP on our own page: no eval, no inline script; non-file requests are cancelled.
    expect(await window.evaluate(() => { try { return (new Function('return "ran"') as () => string)(); } catch { return 'blocked'; } })).toBe('blocked');
    expect(await window.evaluate(() => fetch('https://example.com/').then(() => 'loaded', () => 'blocked'))).toBe('blocked');
    // Permissions: every request denied.
    expect(await window.evaluate(() => Notification.requestPermission())).toBe('denied');

    // window.open and navigation away from our bundle are denied.
    expect(await window.evaluate(() => globalThis.open('https://example.com') === null)).toBe(true);
    expect(await window.evaluate(() => globalThis.open('file:///etc/passwd') === null)).toBe(true);
    const before = window.url();
    await window.evaluate(() => (location.href = 'https://example.com/')).catch(() => {});
    await window.evaluate(() => (location.href = 'file:///etc/passwd')).catch(() => {});
    // A round trip through the page: a navigation that was allowed would have replaced it by now.
    expect(await window.evaluate(() => location.href)).toBe(before);
    expect(app.windows()).toHaveLength(1);

    // The menu main.ts installs.
    expect(await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.items.map((i) => i.label))).toEqual(['File', 'Edit', 'View', 'Help']);

    // A crashed renderer is replaced by a fresh one showing our bundle.
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.forcefullyCrashRenderer());
    await expect(heading).toBeVisible({ timeout: 30_000 });
    expect(window.url()).toBe(before);

    // Single instance: a second start quits at once and leaves one window.
    const second = await electron.launch({ executablePath: bin.path!, args: ['dist/electron/main.cjs'] }).catch(() => undefined);
    if (second) await expect.poll(() => second.process().exitCode, { timeout: 30_000 }).not.toBeNull();
    expect(app.windows()).toHaveLength(1);
  } finally {
    // Also when an expectation fails: the app must not outlive the test.
    await app.close();
  }
});
