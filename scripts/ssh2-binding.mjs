// Builds ssh2's optional native crypto binding where npm's install-time build could not (no internet: node-gyp
// wanted to download Node's headers). Without it ssh2 sets up a cipher per 32 KiB packet in JavaScript, which made
// a migration's relay take ~40% more CPU (docs/ARCHITECTURE.md, Migration). Uses the headers of the Node that runs
// this when they are installed (Debian/NodeSource: /usr/include/node); otherwise says so and leaves ssh2 on its
// JavaScript path, which works. Never fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const say = (m) => console.log(`ssh2-binding: ${m}`);

function main() {
  let dir;
  try {
    dir = path.join(path.dirname(require.resolve('ssh2/package.json')), 'lib', 'protocol', 'crypto');
  } catch {
    return say('ssh2 is not installed; nothing to do');
  }
  if (existsSync(path.join(dir, 'build', 'Release', 'sshcrypto.node'))) return say('the native binding is already built');
  const nodedir = path.resolve(path.dirname(process.execPath), '..');
  const header = path.join(nodedir, 'include', 'node', 'node_version.h');
  if (!existsSync(header)) return say(`no Node headers at ${header}; ssh2 stays on its JavaScript path`);
  const text = readFileSync(header, 'utf8');
  const v = ['MAJOR', 'MINOR', 'PATCH'].map((k) => new RegExp(`#define NODE_${k}_VERSION (\\d+)`).exec(text)?.[1]).join('.');
  if (`v${v}` !== process.version) return say(`the headers at ${header} are for Node ${v}, this is ${process.version}; ssh2 stays on its JavaScript path`);
  const gyp = [process.env.npm_config_node_gyp, path.join(nodedir, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')].find(
    (p) => p && existsSync(p),
  );
  if (!gyp) return say('node-gyp not found; ssh2 stays on its JavaScript path');
  const openssl = /^\d+/.exec(process.versions.openssl)?.[0] ?? '3';
  const args = [gyp, 'rebuild', `--nodedir=${nodedir}`, `--target=${process.version}`, `--real_openssl_major=${openssl}`];
  say(`building in ${dir}: node ${args.join(' ')}`);
  const r = spawnSync(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 600_000 });
  if (r.status === 0) return say('built');
  say(`the build failed (a compiler may be missing); ssh2 stays on its JavaScript path: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`);
}

try {
  main();
} catch (err) {
  say(`skipped: ${err instanceof Error ? err.message : String(err)}`);
}
