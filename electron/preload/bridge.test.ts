// The Electron binary cannot run on this machine (it cannot be downloaded here), so ipcRenderer is a small
// recording stand-in; the test checks what the preload's bridge lets through to it.
import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, REQUEST_CHANNELS } from '../../shared/api/contract';
import { ipcEventChannel } from '../../shared/api/ipc-channels';
import { createBridge, createPathForFile, type IpcRendererLike } from './bridge';

function standIn() {
  const invoked: string[] = [];
  const subscribed = new Map<string, (e: unknown, p: unknown) => void>();
  const ipc: IpcRendererLike = {
    invoke: async (channel) => (invoked.push(channel), { ok: true, value: channel }),
    on: (channel, l) => void subscribed.set(channel, l),
    removeListener: (channel, l) => void (subscribed.get(channel) === l && subscribed.delete(channel)),
  };
  return { ipc, invoked, subscribed };
}

const UNKNOWN = ['', 'hosts', 'hosts.', 'HOSTS.LIST', 'hosts.list ', 'event.hostChanged', '__proto__', 'constructor', 'toString', 'hosts.__proto__', 'ELECTRON_BROWSER_REQUIRE', 'electron.ipc'];

describe('preload bridge', () => {
  it('exposes two functions and nothing else', () => {
    expect(Object.keys(createBridge(standIn().ipc)).sort()).toEqual(['invoke', 'on']);
  });

  it('passes exactly the contract request channels to ipcRenderer and answers the rest itself', async () => {
    const s = standIn();
    const bridge = createBridge(s.ipc);
    for (const c of REQUEST_CHANNELS) await expect(bridge.invoke(c, {})).resolves.toEqual({ ok: true, value: c });
    for (const c of [...UNKNOWN, ...EVENT_NAMES]) {
      await expect(bridge.invoke(c, {})).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    }
    await expect(bridge.invoke(42 as unknown as string, {})).resolves.toMatchObject({ ok: false });
    expect(s.invoked.sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('subscribes to exactly the contract events, hands over the payload only, and unsubscribes', () => {
    const s = standIn();
    const bridge = createBridge(s.ipc);
    const got: unknown[][] = [];
    const offs = EVENT_NAMES.map((name) => bridge.on(name, (...args: unknown[]) => void got.push(args)));
    for (const c of UNKNOWN) bridge.on(c, () => {});
    expect([...s.subscribed.keys()].sort()).toEqual(EVENT_NAMES.map(ipcEventChannel).sort());
    s.subscribed.get(ipcEventChannel(EVENT_NAMES[0]!))!({ sender: 'electron event' }, { x: 1 });
    expect(got).toEqual([[{ x: 1 }]]);
    for (const off of offs) off();
    expect(s.subscribed.size).toBe(0);
  });
});

describe('pathForFile (drag and drop in Electron)', () => {
  it("answers webUtils' path, and null for a file not on disk or anything that is not a file", () => {
    const pathOf = createPathForFile({ getPathForFile: (f: never) => (f === 'on-disk' ? '/srv/a.tar' : f === 'blob' ? '' : (() => { throw new TypeError('not a File'); })()) });
    expect(pathOf('on-disk')).toBe('/srv/a.tar');
    expect(pathOf('blob')).toBeNull();
    expect(pathOf(42)).toBeNull();
  });
});
