// `npm run bench`: runs every bench/*.bench.ts in turn (each compares Stasis with the tool a user would
// otherwise use, in the same run) and prints their result tables. `npm run bench -- inspect` runs one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = path.dirname(new URL(import.meta.url).pathname);
const filter = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filter.length === 0 || filter.some((n) => f.startsWith(n)))
  .sort();
mkdirSync(path.join(dir, 'results'), { recursive: true });
const sections = [];
let failed = 0;
for (const file of benches) {
  console.log(`\n=== bench ${file}`);
  const r = spawnSync('npx', ['tsx', path.join(dir, file)], { stdio: 'inherit' });
  const md = path.join(dir, 'results', file.replace('.bench.ts', '.md'));
  if (r.status !== 0) failed++;
  sections.push(existsSync(md) ? readFileSync(md, 'utf8') : `## ${file}\n\nfailed (exit ${r.status})\n`);
}
const summary = `# Stasis benchmarks — ${new Date().toISOString()}\n\n${sections.join('\n')}`;
writeFileSync(path.join(dir, 'results', 'summary.md'), summary);
console.log(`\n${summary}`);
process.exit(failed ? 1 : 0);
