import type { MenuItemConstructorOptions } from 'electron';

export const CRIU_DOCS_URL = 'https://criu.org/';

/** The application menu's template; main.ts builds it with Electron's Menu. No item talks to a host. */
export function menuTemplate(openExternal: (url: string) => Promise<void>): MenuItemConstructorOptions[] {
  return [
    { label: 'File', submenu: [{ role: 'quit' }] },
    { label: 'Edit', submenu: [{ role: 'copy' }, { role: 'selectAll' }] },
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }] },
    {
      label: 'Help',
      submenu: [{ label: 'CRIU documentation', click: () => void openExternal(CRIU_DOCS_URL).catch(() => undefined) }],
    },
  ];
}
