// The Electron binary cannot run on this machine (it cannot be downloaded here), so ipcMain and webContents are
// small recording stand-ins: they hold what registerIpc registered and let the test fire requests as Electron
// would. e2e/electron.spec.ts checks the same against a live window where a binary exists.
import { describe, expect, it } from 'vitest';
import { REQUEST_CHANNELS, type StasisHandlers } from '../../shared/api/contract';
import type { CallContext } from '../services/app-services';
import { registerIpc, sendEvent, type FrameLike, type InvokeEventLike, type TrustedContents } from './ipc';

const INDEX = 'file:///opt/Stasis/resources/app.asar/dist/renderer/index.html';

class IpcMainStandIn {
  readonly handlers = new Map<string, (event: InvokeEventLike, input: unknown) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEventLike, input: unknown) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
}

function window(id = 1): TrustedContents & { destroyed: boolean } {
  const mainFrame: FrameLike = { url: INDEX };
  return { id, mainFrame, destroyed: false, isDestroyed() { return this.destroyed; } };
}

function setUp() {
  const calls: CallContext[] = [];
  const handlers = {
    app: { info: async (_i: unknown, ctx: CallContext) => (calls.push(ctx), { name: 'Stasis', version: '1.2.3', mode: 'electron', platform: 'linux-x64' }) },
  } as unknown as StasisHandlers<CallContext>;
  const ipc = new IpcMainStandIn();
  let win: ReturnType<typeof window> | undefined = window();
  registerIpc(ipc, { handlers }, () => win, INDEX);
  const invoke = (event: InvokeEventLike) => ipc.handlers.get('app.info')!(event, {});
  return { ipc, calls, invoke, win: () => win!, close: () => (win = undefined) };
}

const DENIED = { ok: false, error: { code: 'permission-denied' } };

describe('IPC sender check', () => {
  it('registers exactly one handler per contract channel', () => {
    const { ipc } = setUp();
    expect([...ipc.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('serves our window main frame showing our bundle (with or without a fragment)', async () => {
    const t = setUp();
    await expect(t.invoke({ sender: { id: 1 }, senderFrame: t.win().mainFrame })).resolves.toMatchObject({ ok: true, value: { version: '1.2.3' } });
    t.win().mainFrame.url = `${INDEX}#/hosts/local`;
    await expect(t.invoke({ sender: { id: 1 }, senderFrame: t.win().mainFrame })).resolves.toMatchObject({ ok: true });
    expect(t.calls).toEqual([{ caller: 'webcontents-1' }, { caller: 'webcontents-1' }]);
  });

  it('refuses another webContents', async () => {
    const t = setUp();
    await expect(t.invoke({ sender: { id: 2 }, senderFrame: t.win().mainFrame })).resolves.toMatchObject(DENIED);
    expect(t.calls).toEqual([]);
  });

  it('refuses a sub-frame of our own window, even one showing our bundle', async () => {
    const t = setUp();
    await expect(t.invoke({ sender: { id: 1 }, senderFrame: { url: INDEX } })).resolves.toMatchObject(DENIED);
    await expect(t.invoke({ sender: { id: 1 }, senderFrame: null })).resolves.toMatchObject(DENIED);
    expect(t.calls).toEqual([]);
  });

  it('refuses our main frame once it shows another URL', async () => {
    const t = setUp();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', `${INDEX}.evil`, `${INDEX}?x`, 'about:blank', '']) {
      t.win().mainFrame.url = url;
      await expect(t.invoke({ sender: { id: 1 }, senderFrame: t.win().mainFrame })).resolves.toMatchObject(DENIED);
    }
    expect(t.calls).toEqual([]);
  });

  it('refuses when the window is destroyed or gone', async () => {
    const t = setUp();
    const frame = t.win().mainFrame;
    t.win().destroyed = true;
    await expect(t.invoke({ sender: { id: 1 }, senderFrame: frame })).resolves.toMatchObject(DENIED);
    t.close();
    await expect(t.invoke({ sender: { id: 1 }, senderFrame: frame })).resolves.toMatchObject(DENIED);
    expect(t.calls).toEqual([]);
  });
});

describe('events to the window', () => {
  it('go on event.<name> to a live window only', () => {
    const sent: [string, unknown][] = [];
    const target = { destroyed: false, isDestroyed() { return this.destroyed; }, send: (c: string, p: unknown) => void sent.push([c, p]) };
    sendEvent(target, 'hostChanged', { a: 1 });
    target.destroyed = true;
    sendEvent(target, 'hostChanged', { a: 2 });
    sendEvent(undefined, 'hostChanged', { a: 3 });
    expect(sent).toEqual([['event.hostChanged', { a: 1 }]]);
  });
});
