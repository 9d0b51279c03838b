// The Electron binary cannot run on this machine (it cannot be downloaded here), so `Notification` is a recording
// stand-in: the test checks what the notifier asks of it. The handler itself is tested through the composition root.
import { describe, expect, it } from 'vitest';
import { createAppServices } from '../services/app-services';
import { systemNotifier, type NotificationClassLike } from './system-notifier';

function standIn(supported: boolean) {
  const shown: { title: string; body: string }[] = [];
  const N: NotificationClassLike = class {
    static isSupported = () => supported;
    constructor(private readonly options: { title: string; body: string }) {}
    show(): void {
      shown.push(this.options);
    }
  };
  return { N, shown };
}

const services = (notify?: (title: string, body: string) => boolean) =>
  createAppServices({ mode: notify ? 'electron' : 'browser', hostsFile: '/nonexistent/hosts.json', sshConfigPath: '/nonexistent/ssh_config', ...(notify ? { notify } : {}) });
const ctx = { caller: 'test' };

describe('system notifier (app.notify in Electron)', () => {
  it('shows a notification when the window is not focused, with control characters escaped', () => {
    const s = standIn(true);
    expect(systemNotifier(s.N, () => false)('Stasis: done', 'Moved we\x1b[2Jb\u202e.')).toBe(true);
    expect(s.shown).toEqual([{ title: 'Stasis: done', body: 'Moved we\\x1b[2Jb\\u{202e}.' }]);
  });

  it('shows nothing while the window has focus or where notifications are unsupported', () => {
    const s = standIn(true);
    expect(systemNotifier(s.N, () => true)('t', 'b')).toBe(false);
    const u = standIn(false);
    expect(systemNotifier(u.N, () => false)('t', 'b')).toBe(false);
    expect([...s.shown, ...u.shown]).toEqual([]);
  });
});

describe('app.notify through the composition root', () => {
  it('passes the request to the injected notifier and answers whether it showed', async () => {
    const seen: string[][] = [];
    const electron = services((title, body) => (seen.push([title, body]), true));
    expect(await electron.handlers.app.notify({ title: 'Stasis: failed', body: 'Move web: host down' }, ctx)).toEqual({ shown: true });
    expect(seen).toEqual([['Stasis: failed', 'Move web: host down']]);
    await electron.close();
  });

  it('answers shown: false without a notifier (browser mode), so the renderer uses the Web Notifications API', async () => {
    const browser = services();
    expect(await browser.handlers.app.notify({ title: 'Stasis: done', body: '' }, ctx)).toEqual({ shown: false });
    await browser.close();
  });
});
