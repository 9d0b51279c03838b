// Where the Electron binary is, without require('electron'): that call tries to download the binary
// when it is missing, and this machine (like many CI machines) has no network for it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'electron');

/** @returns {{ path: string } | { why: string }} */
export function findElectronBinary() {
  if (!existsSync(pkgDir)) return { why: 'the electron package is not installed (run npm install)' };
  const pathTxt = path.join(pkgDir, 'path.txt');
  if (!existsSync(pathTxt)) return { why: 'the electron package is installed but its binary was never downloaded (no network for it here)' };
  const bin = path.join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? { path: bin } : { why: `the Electron binary is missing at ${bin}` };
}
