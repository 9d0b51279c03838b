// Runs in the sandboxed preload: hands the renderer the bridge (bridge.ts), exactly the contract's channels, and
// one function for the path of a file dropped onto the window.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { BRIDGE_GLOBAL } from '../../shared/api/transport';
import { createBridge, createPathForFile } from './bridge';

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, { ...createBridge(ipcRenderer), pathForFile: createPathForFile(webUtils) });
