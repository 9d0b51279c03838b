// `npm run bench -- stored-inspect`: opening a checkpoint kept in a host's store does not read its memory. The store
// keeps the CRIU images without their pages beside the runtime's archive, and Look inside (`stasis inspect HOST ID`)
// reads only those: a container of 256 MiB and one of 4 GiB open in the same time. Beside it, in the same run, the
// same archives read whole by path (Stasis and checkpointctl), which do grow with memory.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { privateBuild } from './private-build';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const RUNS = 5;
const IMAGE = 'localhost/stasis-debian:latest';
const TAG = `stasis-test-bench-stored-${process.pid}`;
const SIZES = [256, 4096];

const sh = (cmd: string, args: string[], timeout = 900_000): string =>
  execFileSync(cmd, args, { encoding: 'utf8', timeout, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
const build = privateBuild(ROOT);
const stasis = (...args: string[]): string => sh(process.execPath, [build.cli, ...args]);

function seconds(argv: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 900_000 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (exit ${r.status}): ${r.stderr.toString().slice(-400)}`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const made: Array<{ name: string; id?: string }> = [];

function cleanup(): void {
  for (const m of made) {
    if (m.id) spawnSync(process.execPath, [build.cli, 'rm', 'local', m.id], { cwd: ROOT });
    spawnSync('podman', ['rm', '-f', '-t', '0', m.name]);
  }
  build.remove();
}

function main(): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      cleanup();
      process.exit(code);
    });
  }
  const cases: Array<{ mib: number; id: string; archive: string }> = [];
  for (const mib of SIZES) {
    const name = `${TAG}-${mib}`;
    const entry: { name: string; id?: string } = { name };
    made.push(entry);
    sh('podman', ['run', '-d', '--network', 'none', '--name', name, IMAGE, '/usr/local/bin/memhog', String(mib), '0']);
    for (let i = 0; spawnSync('podman', ['exec', name, 'test', '-e', '/tmp/ready']).status !== 0; i++) {
      if (i > 1200) throw new Error(`${name} was not ready within 120 s`);
      spawnSync('sleep', ['0.1']);
    }
    const t0 = Date.now();
    entry.id = (JSON.parse(stasis('checkpoint', 'local', name, '--json', '--compress', 'none')) as { id: string }).id;
    const archive = sh('find', ['/var/lib/stasis/hosts', '-path', `*${entry.id}*`, '-name', 'archive.tar*']).trim().split('\n')[0]!;
    console.error(`checkpointed ${mib} MiB as ${entry.id} in ${((Date.now() - t0) / 1000).toFixed(1)} s (${archive})`);
    cases.push({ mib, id: entry.id, archive });
  }
  const tools = (c: { id: string; archive: string }): Array<[string, string[]]> => [
    ['stasis inspect local ID --json (stored: page-less images)', [process.execPath, build.cli, 'inspect', 'local', c.id, '--json']],
    ['stasis inspect ARCHIVE --json (the whole archive)', [process.execPath, build.cli, 'inspect', c.archive, '--json']],
    ['checkpointctl inspect ARCHIVE (the whole archive)', ['checkpointctl', 'inspect', c.archive, '--ps-tree', '--files', '--format', 'json']],
  ];
  const results = new Map<string, number[]>();
  for (let run = 0; run < RUNS; run++) {
    for (const c of cases) {
      for (const [tool, argv] of tools(c)) {
        const key = `${c.mib} MiB|${tool}`;
        results.set(key, [...(results.get(key) ?? []), seconds(argv)]);
      }
    }
  }
  const rows = [...results].map(([key, s]) => {
    const [size, tool] = key.split('|');
    return `| ${size} | ${tool} | ${median(s).toFixed(3)} | ${s.map((x) => x.toFixed(3)).join(' / ')} |`;
  });
  const storedKey = 'stasis inspect local ID --json (stored: page-less images)';
  const small = median(results.get(`${SIZES[0]} MiB|${storedKey}`)!);
  const big = median(results.get(`${SIZES[1]} MiB|${storedKey}`)!);
  const ratio = big / small;
  const table = [
    '## stored-inspect — opening a stored checkpoint without its pages',
    '',
    `Median of ${RUNS} runs each (interleaved), wall time. memhog containers (random memory) checkpointed into the local store with ` +
      `\`stasis checkpoint local NAME --compress none\` in this run; ${sh('nproc', []).trim()} CPUs; node ${process.version}.`,
    '',
    '| memory | tool | median s | runs s |',
    '|---|---|---:|---|',
    ...rows,
    '',
    `- stored open, ${SIZES[1]} MiB / ${SIZES[0]} MiB = **${ratio.toFixed(2)}×** (goal: equally fast, ≤ 1.2×: ${ratio <= 1.2 ? 'met' : 'NOT met'})`,
    '',
  ].join('\n');
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'stored-inspect.md'), table);
  console.log(table);
}

try {
  main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  cleanup();
}
