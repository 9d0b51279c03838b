import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { REQUEST_CHANNELS } from '../../shared/api/contract';
import { createDispatch } from '../../shared/api/dispatch';
import { fail } from '../../shared/api/envelope';
import { ipcEventChannel } from '../../shared/api/ipc-channels';
import type { AppServices } from '../services/app-services';
import { isTrustedUrl } from './security';

/**
 * Registers one handler per contract channel. A message is served only when it comes from our own
 * window's main frame showing our own bundle.
 */
export function registerIpc(services: AppServices, trusted: () => WebContents | undefined, rendererIndexUrl: string): void {
  const dispatch = createDispatch(services.handlers);
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown) => {
      const wc = trusted();
      const frameUrl = event.senderFrame?.url ?? '';
      if (!wc || event.sender.id !== wc.id || event.senderFrame !== wc.mainFrame || !isTrustedUrl(frameUrl, rendererIndexUrl)) {
        return fail({ code: 'permission-denied', message: 'Request refused: it did not come from the Stasis window.' });
      }
      return dispatch(channel, input, { caller: `webcontents-${wc.id}` });
    });
  }
}

export function sendEvent(target: WebContents | undefined, name: string, payload: unknown): void {
  if (target && !target.isDestroyed()) target.send(ipcEventChannel(name), payload);
}
