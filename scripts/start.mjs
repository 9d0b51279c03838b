// `npm start`: build, then launch Electron; where no Electron binary is installed, say so once and
// start browser mode instead.
import { spawn, spawnSync } from 'node:child_process';
import { findElectronBinary } from './electron-binary.mjs';

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const found = findElectronBinary();
if ('path' in found) {
  const child = spawn(found.path, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Electron cannot start here: ${found.why}. Starting Stasis in browser mode instead.`);
  const child = spawn(process.execPath, ['dist/node/serve.mjs', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
