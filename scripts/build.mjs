// Builds every runnable part. `--node-only` (run by npm's prepare step) builds just the CLI and the
// browser-mode server, so `stasis` works right after `npm install`.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { precompileSchemas } from './precompile-schemas.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const nodeOnly = process.argv.includes('--node-only');
const define = { __STASIS_VERSION__: JSON.stringify(pkg.version) };

// The CLI and the browser-mode server share one build with code splitting: each CLI command is a chunk loaded
// when run, so `stasis inspect` starts without ssh2 and the services.
const nodeBuild = () =>
  build({
    entryPoints: { cli: path.join(root, 'electron/cli/main.ts'), serve: path.join(root, 'electron/serve/main.ts') },
    outdir: path.join(root, 'dist/node'),
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Pure-JS packages are bundled: loading protobufjs as ~40 CommonJS files took a fifth of a short `stasis inspect`.
    // Native ones (and ssh2, which loads its native parts optionally) stay in node_modules.
    external: ['ssh2', 'cpu-features', 'zstd-napi', 'zstd-napi/*'],
    // Bundled CommonJS code calls require() for Node's own modules; ESM output has none unless given one.
    banner: { js: "import { createRequire as __stasisRequire } from 'node:module'; const require = __stasisRequire(import.meta.url);" },
    sourcemap: 'linked',
    define,
    logLevel: 'warning',
  });

const t0 = Date.now();
await rm(path.join(root, 'dist/node'), { recursive: true, force: true });
const jobs = [nodeBuild().then(() => precompileSchemas(root, path.join(root, 'dist/node/precompiled-schemas.mjs')))];
if (!nodeOnly) {
  jobs.push(
    build({
      entryPoints: [path.join(root, 'electron/main/main.ts')],
      outfile: path.join(root, 'dist/electron/main.cjs'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['electron', 'ssh2', 'zstd-napi', 'cpu-features'],
      sourcemap: 'linked',
      // Services locate files beside their module with import.meta.url; CommonJS has no import.meta.
      banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      define: { ...define, 'import.meta.url': '__importMetaUrl' },
      logLevel: 'warning',
    }),
    // A sandboxed preload cannot require npm packages, so it is bundled whole (electron stays external).
    build({
      entryPoints: [path.join(root, 'electron/preload/preload.ts')],
      outfile: path.join(root, 'dist/electron/preload.cjs'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'chrome130',
      external: ['electron'],
      define,
      logLevel: 'warning',
    }),
  );
  const { build: viteBuild } = await import('vite');
  jobs.push(viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' }));
}
await Promise.all(jobs);
console.log(`built ${nodeOnly ? 'CLI and server' : 'everything'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
