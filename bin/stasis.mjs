#!/usr/bin/env -S node --max-semi-space-size=4
// A young generation of 4 MiB semi-spaces (Node's default is 16): reading a checkpoint of hundreds of processes
// allocates many short-lived objects, and the smaller nursery keeps peak memory about 20 MiB lower at no cost in
// time (`npm run bench -- inspect`). Only when run as a program; `node bin/stasis.mjs` gets Node's defaults.
// The CLI is bundled by `npm install` (the package's prepare script). If that was skipped, say how to fix it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/node/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('stasis: the CLI is not built. Run "npm install" (or "npm run build") in the Stasis folder.\n');
  process.exit(1);
}
await import(cli);
