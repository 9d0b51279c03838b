import { REQUEST_CHANNELS } from '../../shared/api/contract';
import { createDispatch } from '../../shared/api/dispatch';
import { fail } from '../../shared/api/envelope';
import { ipcEventChannel } from '../../shared/api/ipc-channels';
import type { AppServices } from '../services/app-services';
import { isTrustedUrl } from './security';

// What of Electron's ipcMain and webContents the check reads; main.ts passes the real ones.
export interface FrameLike {
  url: string;
}
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: FrameLike | null;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, input: unknown) => Promise<unknown>): void;
}
export interface TrustedContents {
  id: number;
  mainFrame: FrameLike;
  isDestroyed(): boolean;
}
export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

/** True only for our own live window's main frame showing our own bundle. */
export function isTrustedSender(event: InvokeEventLike, wc: TrustedContents | undefined, rendererIndexUrl: string): boolean {
  if (!wc || wc.isDestroyed()) return false;
  const frame = event.senderFrame;
  return event.sender.id === wc.id && frame !== null && frame === wc.mainFrame && isTrustedUrl(frame.url, rendererIndexUrl);
}

/**
 * Registers one handler per contract channel. A message is served only when it comes from our own
 * window's main frame showing our own bundle.
 */
export function registerIpc(
  ipcMain: IpcMainLike,
  services: Pick<AppServices, 'handlers'>,
  trusted: () => TrustedContents | undefined,
  rendererIndexUrl: string,
): void {
  const dispatch = createDispatch(services.handlers);
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (event, input) => {
      const wc = trusted();
      if (!wc || !isTrustedSender(event, wc, rendererIndexUrl)) {
        return fail({ code: 'permission-denied', message: 'Request refused: it did not come from the Stasis window.' });
      }
      return dispatch(channel, input, { caller: `webcontents-${wc.id}` });
    });
  }
}

export function sendEvent(target: EventTarget | undefined, name: string, payload: unknown): void {
  if (target && !target.isDestroyed()) target.send(ipcEventChannel(name), payload);
}
