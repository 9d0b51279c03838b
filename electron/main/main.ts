// The composition root of the Electron shell: the only file that touches Electron's globals. Every module
// below gets the Electron objects it needs passed in, so its logic runs in unit tests without the binary.
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, safeStorage, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { validatedEmitter } from '../../shared/api/dispatch';
import { createAppServices } from '../services/app-services';
import { filePicker } from './file-picker';
import { registerIpc, sendEvent } from './ipc';
import { reloadOnCrash, runSingleInstance } from './lifecycle';
import { menuTemplate } from './menu';
import { applySecurityBaseline } from './security';
import { SafeStorageVault } from './secret-vault';
import { systemNotifier } from './system-notifier';

// Bundled to dist/electron/main.cjs; the renderer build sits beside it in dist/renderer.
const rendererIndex = path.join(__dirname, '..', 'renderer', 'index.html');
const rendererIndexUrl = pathToFileURL(rendererIndex).toString();

let mainWindow: BrowserWindow | undefined;
const trusted = () => mainWindow?.webContents;

function createWindow(): void {
  const win = new BrowserWindow({
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
  mainWindow = win;
  win.once('ready-to-show', () => win.show());
  reloadOnCrash(win);
  win.on('closed', () => (mainWindow = undefined));
  void win.loadFile(rendererIndex);
}

runSingleInstance(app, () => mainWindow, () => {
  const openExternal = (url: string): Promise<void> => shell.openExternal(url);
  applySecurityBaseline(rendererIndexUrl, { session: session.defaultSession, app, openExternal });
  const emit = validatedEmitter((name, payload) => sendEvent(trusted(), name, payload));
  const secrets = new SafeStorageVault(app.getPath('userData'), safeStorage);
  // Job-end notifications come from here: the window's own Notification permission stays denied.
  const notify = systemNotifier(Notification, () => mainWindow?.isFocused() ?? false);
  const services = createAppServices({ mode: 'electron', emit, prepareNewCheckpoints: true, secrets, pickFile: filePicker(dialog, () => mainWindow), notify });
  registerIpc(ipcMain, services, trusted, rendererIndexUrl);
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(openExternal)));
  createWindow();
});
