import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * A private copy of the built CLI and server for one benchmark run: other work on the same checkout may rebuild
 * dist/ meanwhile, and a run of many minutes must not lose its program halfway. Kept under node_modules/ so its
 * packages (zstd-napi) resolve as from dist/; removed when the run ends.
 */
export function privateBuild(root: string): { cli: string; serve: string; remove(): void } {
  const dir = path.join(root, 'node_modules', '.cache', `stasis-bench-${process.pid}`);
  for (const part of ['node', 'renderer']) {
    const from = path.join(root, 'dist', part);
    if (!existsSync(from)) throw new Error(`${from} is missing: run "node scripts/build.mjs" first`);
    cpSync(from, path.join(dir, part), { recursive: true });
  }
  return { cli: path.join(dir, 'node', 'cli.mjs'), serve: path.join(dir, 'node', 'serve.mjs'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
