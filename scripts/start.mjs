// `npm start`: build, then launch Electron; where no Electron binary is installed, say so once and
// start browser mode instead.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

function electronBinary() {
  try {
    const require = createRequire(import.meta.url);
    // electron's index.js throws when its binary was never downloaded.
    const bin = require('electron');
    return typeof bin === 'string' && existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

const bin = electronBinary();
if (bin) {
  const child = spawn(bin, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('Electron is not installed on this machine (its binary was never downloaded); starting Stasis in browser mode instead.');
  const child = spawn(process.execPath, ['dist/node/serve.mjs', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
