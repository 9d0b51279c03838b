#!/usr/bin/env node
// The CLI is bundled by `npm install` (the package's prepare script). If that was skipped, say how to fix it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/node/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('stasis: the CLI is not built. Run "npm install" (or "npm run build") in the Stasis folder.\n');
  process.exit(1);
}
await import(cli);
