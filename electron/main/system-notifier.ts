import { escapeControlKeepLines } from '../../shared/text/escape';

/** What of Electron's Notification the notifier uses; main.ts passes the real class. */
export interface NotificationClassLike {
  isSupported(): boolean;
  new (options: { title: string; body: string; silent?: boolean }): { show(): void };
}

/**
 * The notifier behind the contract's `app.notify` in Electron: a notification from the main process, so the window's
 * permission requests can all stay denied (issue #14). Nothing while the window has focus (the user sees the job end
 * in the window) or where the desktop has no notifications; false then, so the renderer knows none was shown.
 * The text carries host-derived words (container and host names): control characters are shown escaped.
 */
export function systemNotifier(N: NotificationClassLike, focused: () => boolean): (title: string, body: string) => boolean {
  return (title, body) => {
    if (focused() || !N.isSupported()) return false;
    new N({ title: escapeControlKeepLines(title), body: escapeControlKeepLines(body) }).show();
    return true;
  };
}
