// The Electron binary cannot run on this machine (it cannot be downloaded here), so the `electron` module is a
// recording stand-in: the test loads the real preload.ts and checks what it exposes to the page.
import { describe, expect, it, vi } from 'vitest';
import { BRIDGE_GLOBAL } from '../../shared/api/transport';

const exposed = vi.hoisted(() => new Map<string, unknown>());
const asked = vi.hoisted(() => [] as unknown[]);
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, value: unknown) => void exposed.set(name, value) },
  ipcRenderer: { invoke: async () => ({ ok: true }), on: () => undefined, removeListener: () => undefined },
  webUtils: { getPathForFile: (f: unknown) => (asked.push(f), '/home/u/dropped.tar.zst') },
}));

describe('preload.ts', () => {
  it('exposes one object, the bridge, under its global name, with invoke, on and pathForFile only', async () => {
    await import('./preload');
    expect([...exposed.keys()]).toEqual([BRIDGE_GLOBAL]);
    const bridge = exposed.get(BRIDGE_GLOBAL) as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on', 'pathForFile']);
    await expect((bridge['invoke'] as (c: string, i: unknown) => Promise<unknown>)('no.such', {})).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const file = { name: 'dropped.tar.zst' };
    expect((bridge['pathForFile'] as (f: unknown) => unknown)(file)).toBe('/home/u/dropped.tar.zst');
    expect(asked).toEqual([file]);
  });
});
