import { app, BrowserWindow, Menu, type WebContents } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { validatedEmitter } from '../../shared/api/dispatch';
import { createAppServices } from '../services/app-services';
import { registerIpc, sendEvent } from './ipc';
import { buildMenu } from './menu';
import { applySecurityBaseline } from './security';
import { SafeStorageVault } from './secret-vault';

// Bundled to dist/electron/main.cjs; the renderer build sits beside it in dist/renderer.
const rendererIndex = path.join(__dirname, '..', 'renderer', 'index.html');
const rendererIndexUrl = pathToFileURL(rendererIndex).toString();

let mainWindow: BrowserWindow | undefined;
const trusted = (): WebContents | undefined => mainWindow?.webContents;

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    title: 'Stasis',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.webContents.on('render-process-gone', (_e, details) => {
    // A crashed or killed renderer cannot be trusted to resume; start fresh.
    if (details.reason !== 'clean-exit') mainWindow?.reload();
  });
  mainWindow.on('closed', () => (mainWindow = undefined));
  void mainWindow.loadFile(rendererIndex);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => mainWindow?.focus());
  void app.whenReady().then(() => {
    applySecurityBaseline(rendererIndexUrl);
    const emit = validatedEmitter((name, payload) => sendEvent(trusted(), name, payload));
    const services = createAppServices({ mode: 'electron', emit, secrets: new SafeStorageVault(app.getPath('userData')) });
    registerIpc(services, trusted, rendererIndexUrl);
    Menu.setApplicationMenu(buildMenu());
    createWindow();
  });
  app.on('window-all-closed', () => app.quit());
}
