import { _electron as electron, test, expect } from '@playwright/test';
import { findElectronBinary } from '../scripts/electron-binary.mjs';

const found = findElectronBinary();
const bin = 'path' in found ? { path: found.path, why: '' } : { path: undefined, why: found.why };

test('Electron app opens its window with the security baseline', async () => {
  if (!bin.path) console.log(`[skipped] Electron e2e: ${bin.why}. It runs wherever "npx install-electron" can fetch the binary.`);
  test.skip(!bin.path, `Electron binary unavailable: ${bin.why}`);
  const app = await electron.launch({ executablePath: bin.path!, args: ['dist/electron/main.cjs'] });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { name: 'This computer' })).toBeVisible({ timeout: 30_000 });
    // contextIsolation + sandbox + no nodeIntegration: the page sees neither Node nor the preload's scope.
    expect(await window.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['undefined', 'undefined']);
    expect(await window.evaluate(() => typeof (globalThis as Record<string, unknown>)['stasisBridge'])).toBe('object');
    // window.open and navigation away from our bundle are denied.
    expect(await window.evaluate(() => globalThis.open('https://example.com') === null)).toBe(true);
    const before = window.url();
    await window.evaluate(() => (location.href = 'https://example.com/')).catch(() => {});
    await window.waitForTimeout(500);
    expect(window.url()).toBe(before);
    expect(app.windows()).toHaveLength(1);
  } finally {
    // Also when an expectation fails: the app must not outlive the test.
    await app.close();
  }
});
