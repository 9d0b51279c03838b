// `npm run bench -- inspect`: how long reading a checkpoint takes with Stasis, with checkpointctl (the peer
// inspector) and with plain `zstd -dc` (the floor: nothing can read a zstd archive faster than decompressing it).
// The inputs are made here, with real podman, so the numbers always describe archives of this machine's CRIU.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fdTreeWorkload } from './fd-tree-workload';
import { privateBuild } from './private-build';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const RUNS = 5;
const IMAGE = 'localhost/stasis-debian:latest';
const TAG = `stasis-test-bench-${process.pid}`;

// 300 children, each holding 36 fds (2 pipes, 8 unix socketpairs, 16 files), then exec'ing `sleep`: a metadata-heavy
// archive (python's own 4 MiB per fork would make it a memory-heavy one).
const MANY_FDS = fdTreeWorkload({ socketpairs: 8 });

// Mixed: 1 GiB of random memory (memhog, started first) and the same 300 fd-holding processes: ~1.1 GiB of pages
// with a metadata-heavy tree around them.
const MIXED = MANY_FDS.replace(
  'kids = []',
  "import subprocess\nsubprocess.Popen(['/usr/local/bin/memhog', '1024', '0'])\nwhile not os.path.exists('/tmp/ready'): time.sleep(0.1)\nkids = []",
);

function sh(cmd: string, args: string[], timeout = 300_000): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits until the workload says it is ready: a line in its log, or (memhog) a file it creates. */
function waitReady(name: string, ready: { log: string } | { file: string }, seconds: number): void {
  for (let i = 0; i < seconds * 10; i++) {
    if ('log' in ready ? sh('podman', ['logs', name]).includes(ready.log) : spawnSync('podman', ['exec', name, 'test', '-e', ready.file]).status === 0) return;
    execFileSync('sleep', ['0.1']);
  }
  throw new Error(`${name} was not ready within ${seconds} s`);
}

function makeArchive(name: string, command: string[], ready: { log: string } | { file: string }, out: string): void {
  sh('podman', ['run', '-d', '--network', 'none', '--name', name, IMAGE, ...command]);
  waitReady(name, ready, 120);
  sh('podman', ['container', 'checkpoint', name, '--export', out, '--compress', 'zstd'], 600_000);
  sh('podman', ['rm', '-f', name]);
}

interface Sample {
  seconds: number;
  maxRssKiB: number;
}

/** One run under GNU time: wall time from here, peak RSS of the command (children included) from time's rusage. */
function measure(argv: string[], env?: NodeJS.ProcessEnv): Sample {
  const rusage = path.join(work, 'time.out');
  const devnull = openSync('/dev/null', 'w');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rusage, ...argv], { stdio: ['ignore', devnull, 'pipe'], cwd: ROOT, timeout: 600_000, ...(env ? { env } : {}) });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (exit ${r.status}): ${r.stderr.toString().slice(-500)}`);
    return { seconds, maxRssKiB: Number(readFileSync(rusage, 'utf8').trim().split('\n').pop()) };
  } finally {
    closeSync(devnull);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// Node reads NODE_EXTRA_CA_CERTS's whole bundle at startup (before any of Stasis runs), which this sandbox sets and
// which costs tens of milliseconds — a third of the zstd floor of the memory-heavy archive. The table shows Stasis
// both in the environment as it is and without that variable, and Node's bare startup both ways, so the reader can
// see what is Stasis's and what is the launch of any Node program here.
const caCerts = process.env['NODE_EXTRA_CA_CERTS'];
const withoutCaCerts: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'));
const STASIS = 'stasis inspect --json';
const STASIS_NO_CA = 'stasis inspect --json (NODE_EXTRA_CA_CERTS unset)';

// Run as a user runs it: the program itself, through its #! line.
// (From a private copy of the build: see private-build.ts.)
const build = privateBuild(ROOT);
const stasisArgv = (archive: string): string[] => [process.execPath, build.cli, 'inspect', archive, '--json'];

const tools = (archive: string): Array<{ tool: string; argv: string[]; env?: NodeJS.ProcessEnv }> => [
  { tool: STASIS, argv: stasisArgv(archive) },
  ...(caCerts ? [{ tool: STASIS_NO_CA, argv: stasisArgv(archive), env: withoutCaCerts }] : []),
  { tool: 'checkpointctl inspect --ps-tree --files --sockets --format json', argv: ['checkpointctl', 'inspect', archive, '--ps-tree', '--files', '--sockets', '--format', 'json'] },
  { tool: 'zstd -dc (floor)', argv: ['zstd', '-dc', archive] },
  { tool: 'zstd-napi decompression alone (library floor)', argv: [process.execPath, 'bench/zstd-napi-floor.mjs', archive] },
  { tool: 'node -e 0 (Node startup, for scale)', argv: [process.execPath, '-e', '0'] },
  ...(caCerts ? [{ tool: 'node -e 0 (NODE_EXTRA_CA_CERTS unset)', argv: [process.execPath, '-e', '0'], env: withoutCaCerts }] : []),
];

let work = '';
const names = [`${TAG}-fds`, `${TAG}-mem`, `${TAG}-mixed`];

function cleanup(): void {
  for (const n of names) {
    try {
      sh('podman', ['rm', '-f', n]);
    } catch {
      /* not created */
    }
  }
  if (work) rmSync(work, { recursive: true, force: true });
  build.remove();
}

async function main(): Promise<void> {
  work = mkdtempSync(path.join(tmpdir(), 'stasis-bench-inspect-'));
  // Ctrl-C, or a `timeout` around the run: the containers and the archives (hundreds of MiB) go either way.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      cleanup();
      process.exit(code);
    });
  }
  const archives = [
    { label: '300 processes / ~11,000 fds', file: path.join(work, 'many-fds.tar.zst'), make: () => makeArchive(names[0]!, ['python3', '-c', MANY_FDS], { log: 'ready' }, path.join(work, 'many-fds.tar.zst')) },
    { label: '512 MiB random memory (memhog)', file: path.join(work, 'memhog-512.tar.zst'), make: () => makeArchive(names[1]!, ['/usr/local/bin/memhog', '512', '0'], { file: '/tmp/ready' }, path.join(work, 'memhog-512.tar.zst')) },
    { label: 'mixed: 1 GiB random memory + 300 processes', file: path.join(work, 'mixed.tar.zst'), make: () => makeArchive(names[2]!, ['python3', '-c', MIXED], { log: 'ready' }, path.join(work, 'mixed.tar.zst')) },
  ];
  const rows: string[][] = [];
  const verdicts: string[] = [];
  for (const a of archives) {
    const t0 = Date.now();
    a.make();
    console.error(`made ${path.basename(a.file)} (${(statSync(a.file).size / 1024 / 1024).toFixed(1)} MiB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const report = JSON.parse(execFileSync(process.execPath, [build.cli, 'inspect', a.file, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 })) as { processes: Array<{ fds: unknown[]; memory: { rssBytes: number } }> };
    const fds = report.processes.reduce((s, p) => s + p.fds.length, 0);
    const rss = report.processes.reduce((s, p) => s + p.memory.rssBytes, 0);
    const what = `${a.label}: ${report.processes.length} processes, ${fds} fds, ${(rss / 1024 / 1024).toFixed(0)} MiB dumped, archive ${(statSync(a.file).size / 1024 / 1024).toFixed(1)} MiB`;
    const results = new Map<string, { seconds: number; maxRssKiB: number; all: number[] }>();
    // Interleaved, so a slow moment of the machine hits every tool alike.
    const samples = new Map<string, Sample[]>();
    for (let run = 0; run < RUNS; run++) {
      for (const t of tools(a.file)) samples.set(t.tool, [...(samples.get(t.tool) ?? []), measure(t.argv, t.env)]);
    }
    for (const [tool, s] of samples) results.set(tool, { seconds: median(s.map((x) => x.seconds)), maxRssKiB: Math.max(...s.map((x) => x.maxRssKiB)), all: s.map((x) => x.seconds) });
    const stasis = results.get(STASIS)!;
    const ctl = results.get('checkpointctl inspect --ps-tree --files --sockets --format json')!;
    const zstd = results.get('zstd -dc (floor)')!;
    for (const [tool, r] of results) {
      rows.push([what, tool, r.seconds.toFixed(3), r.all.map((x) => x.toFixed(3)).join(' / '), (r.maxRssKiB / 1024).toFixed(1)]);
    }
    const vsCtl = stasis.seconds / ctl.seconds;
    const vsZstd = stasis.seconds / zstd.seconds;
    const rssMiB = stasis.maxRssKiB / 1024;
    verdicts.push(
      `- ${a.label}: stasis/checkpointctl = **${vsCtl.toFixed(2)}×**${a.label.startsWith('300') ? ` (goal ≤ 0.2×: ${vsCtl <= 0.2 ? 'met' : 'NOT met'})` : ''}; ` +
        `stasis/zstd floor = **${vsZstd.toFixed(2)}×**${a.label.startsWith('512') ? ` (goal ≤ 1.3×: ${vsZstd <= 1.3 ? 'met' : 'NOT met'})` : ''}; ` +
        `stasis peak RSS **${rssMiB.toFixed(1)} MiB** (goal < 150 MiB: ${rssMiB < 150 ? 'met' : 'NOT met'})`,
    );
    const lib = results.get('zstd-napi decompression alone (library floor)');
    const bare = results.get('node -e 0 (Node startup, for scale)');
    if (lib && bare && a.label.startsWith('mixed')) {
      const floor = lib.seconds + bare.seconds;
      verdicts.push(
        `  - stasis / (zstd-napi decompression + Node's bare start) = **${(stasis.seconds / floor).toFixed(2)}×** (goal ≤ 1.3×: ${stasis.seconds / floor <= 1.3 ? 'met' : 'NOT met'})`,
      );
    }
    if (lib) {
      verdicts.push(
        `  - decompression alone: zstd CLI = ${(zstd.seconds / ctl.seconds).toFixed(2)}× checkpointctl, ` +
          `zstd-napi = ${(lib.seconds / ctl.seconds).toFixed(2)}× checkpointctl; stasis/zstd-napi floor = ${(stasis.seconds / lib.seconds).toFixed(2)}×`,
      );
    }
    const clean = results.get(STASIS_NO_CA);
    if (clean) {
      verdicts.push(
        `  - without NODE_EXTRA_CA_CERTS: stasis/checkpointctl = **${(clean.seconds / ctl.seconds).toFixed(2)}×**, ` +
          `stasis/zstd floor = **${(clean.seconds / zstd.seconds).toFixed(2)}×**, peak RSS ${(clean.maxRssKiB / 1024).toFixed(1)} MiB`,
      );
    }
    // STASIS_BENCH_KEEP=DIR keeps the archives for profiling.
    const keep = process.env['STASIS_BENCH_KEEP'];
    if (keep) {
      mkdirSync(keep, { recursive: true });
      copyFileSync(a.file, path.join(keep, path.basename(a.file)));
    }
    rmSync(a.file, { force: true });
  }
  const table = [
    '## inspect — reading a checkpoint archive',
    '',
    `Median of ${RUNS} runs each (interleaved), wall time; peak RSS is the largest of the runs (GNU time %M, children included). ` +
      `Archives made in this run with podman ${sh('podman', ['--version']).trim().replace(/^podman version /, '')} ` +
      `(checkpoint --export --compress zstd) on ${sh('uname', ['-r']).trim()}, ${sh('nproc', []).trim()} CPUs; node ${process.version}.`,
    '',
    '| archive | tool | median s | runs s | peak RSS MiB |',
    '|---|---|---:|---|---:|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    ...verdicts,
    '',
  ].join('\n');
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'inspect.md'), table);
  console.log(table);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(cleanup);
