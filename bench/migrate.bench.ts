// Migration of a 256 MiB memhog container from stasis-a to stasis-b: Stasis's streamed stop-and-copy vs the manual
// pipeline a user would type (podman container checkpoint --export to a file, scp -3, podman container restore
// --import), in the same run, alternating, each phase timed. Run: npm run bench -- migrate
// → markdown table on stdout and in bench/results/migrate.md
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { createClient } from '../shared/api/client';
import { createDispatch } from '../shared/api/dispatch';
import type { MigrationResult } from '../shared/domain/migration';
import { createAppServices } from '../electron/services/app-services';
import { INSTALLED_HELPER } from '../electron/services/helper-source';
import { deleteStoredCheckpoints } from '../test-support/cleanup';
import { until } from '../test-support/poll';
import { CONFIG, median, mib, secs, ssh, timed } from './test-hosts';

const RUNS = Number(process.env['STASIS_BENCH_RUNS'] ?? 2);
const MIB = 256;
const PREFIX = `stasis-test-bench-mig-${process.pid}`;
const made: string[] = [];

async function memhog(name: string): Promise<void> {
  made.push(name);
  ssh('stasis-a', 'podman', 'run', '-d', '--name', name, '--network', 'none', 'localhost/stasis-busybox:latest', 'memhog', String(MIB), '0', '/tmp/c');
  await until('memhog to fill its memory', () => spawnSync('ssh', ['-F', CONFIG, 'stasis-a', 'podman', 'exec', name, 'cat', '/tmp/c.ready'], { encoding: 'utf8' }).stdout, (out) => out.includes('touched'), {
    timeoutMs: 60_000,
    everyMs: 200,
  });
}

function cleanup(): void {
  for (const h of ['stasis-a', 'stasis-b']) {
    for (const n of made) spawnSync('ssh', ['-F', CONFIG, h, 'podman', 'rm', '-f', '-t', '0', n], { stdio: 'ignore' });
    spawnSync('ssh', ['-F', CONFIG, h, 'rm', '-f', `/tmp/${PREFIX}.tar`], { stdio: 'ignore' });
    deleteStoredCheckpoints((c) => c.container.name.startsWith(PREFIX), ['ssh', '-F', CONFIG, h, INSTALLED_HELPER]);
  }
}

interface Manual {
  checkpoint: number;
  copy: number;
  restore: number;
  downtime: number;
  archive: number;
  zstd: number;
}

/** What a user types, each step timed; the container is frozen from the checkpoint until the restore returns. */
function manual(name: string): Manual {
  const file = `/tmp/${PREFIX}.tar`;
  const checkpoint = timed(() => ssh('stasis-a', 'podman', 'container', 'checkpoint', '--export', file, '--compress', 'none', name));
  const archive = Number(ssh('stasis-a', 'stat', '-c', '%s', file));
  const copy = timed(() => {
    const r = spawnSync('scp', ['-q', '-3', '-F', CONFIG, `stasis-a:${file}`, `stasis-b:${file}`], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`scp: ${r.stderr}`);
  });
  const restore = timed(() => ssh('stasis-b', 'podman', 'container', 'restore', '--import', file));
  // The smallest archive a user could send (zstd, not timed: podman's own --compress zstd costs more dump time).
  const zstd = Number(ssh('stasis-a', 'sh', '-c', `'zstd -q -c ${file} | wc -c'`));
  ssh('stasis-a', 'rm', '-f', file);
  ssh('stasis-b', 'rm', '-f', file);
  return { checkpoint, copy, restore, downtime: checkpoint + copy + restore, archive, zstd };
}

interface Direct {
  stream: number;
  restore: number;
  downtime: number;
}

/**
 * Not something Stasis does: the floor of a direct path between the hosts, streamed with nothing in the middle. The
 * source logs in to the destination itself (the test hosts share a key), tee keeps the source's copy as Stasis does,
 * and the restore starts when the stream has ended. It shows what the relay through this machine costs.
 */
function direct(name: string): Direct {
  const file = `/tmp/${PREFIX}-direct.tar`;
  const stream = timed(() =>
    ssh('stasis-a', 'sh', '-c', `'podman container checkpoint --export /dev/fd/3 --compress none ${name} 3>&1 >/dev/null | tee ${file} | ssh -F ${CONFIG} -c aes128-gcm@openssh.com stasis-b "cat > ${file}"'`),
  );
  const restore = timed(() => ssh('stasis-b', 'podman', 'container', 'restore', '--import', file));
  ssh('stasis-a', 'rm', '-f', file);
  ssh('stasis-b', 'rm', '-f', file);
  return { stream, restore, downtime: stream + restore };
}

async function main(): Promise<void> {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      cleanup();
      process.exit(code);
    });
  }
  const services = createAppServices({ mode: 'browser', sshConfigPath: CONFIG, hostsFile: '/nonexistent-stasis-bench/hosts.json' });
  const dispatch = createDispatch(services.handlers);
  const api = createClient({ invoke: (c, i) => dispatch(c, i, { caller: 'bench' }), on: () => () => {} });
  const manuals: Manual[] = [];
  const ours: MigrationResult[] = [];
  const directs: Direct[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const m = `${PREFIX}-manual-${run}`;
      await memhog(m);
      manuals.push(manual(m));
      ssh('stasis-b', 'podman', 'rm', '-f', '-t', '0', m);
      const s = `${PREFIX}-stasis-${run}`;
      await memhog(s);
      ours.push(await api.migrate.start({ sourceHostId: 'stasis-a', destHostId: 'stasis-b', container: s, runtime: 'podman', strategy: 'auto', keepSource: false, copyImage: false }));
      if (ours.at(-1)!.runningOn !== 'stasis-b') throw new Error(`Stasis migration rolled back: ${ours.at(-1)!.message}`);
      ssh('stasis-b', 'podman', 'rm', '-f', '-t', '0', s);
      const d = `${PREFIX}-direct-${run}`;
      await memhog(d);
      directs.push(direct(d));
      ssh('stasis-b', 'podman', 'rm', '-f', '-t', '0', d);
    }
  } finally {
    services.close();
    cleanup();
  }
  const phase = (r: MigrationResult, p: string) => r.phases.find((x) => x.phase === p)?.ms ?? 0;
  const med = (f: (r: MigrationResult) => number) => median(ours.map(f));
  const mm = (f: (r: Manual) => number) => median(manuals.map(f));
  const downtimeRatio = med((r) => r.downtimeMs) / mm((r) => r.downtime);
  const mdir = (f: (r: Direct) => number) => median(directs.map(f));
  const lines = [
    `## migrate — ${MIB} MiB memhog container, stasis-a → stasis-b (median of ${RUNS}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(1)} at the end)`,
    '',
    '| | freeze + dump | transfer | verify | restore | **downtime** | preflight | confirm + stop source | total | bytes on the wire |',
    '|---|---|---|---|---|---|---|---|---|---|',
    `| manual: checkpoint --export, scp -3, restore --import | ${secs(mm((r) => r.checkpoint))} | ${secs(mm((r) => r.copy))} | – | ${secs(mm((r) => r.restore))} | **${secs(mm((r) => r.downtime))}** | – | – | ${secs(mm((r) => r.downtime))} | ${mib(mm((r) => r.archive))} |`,
    `| stasis migrate (streamed stop-and-copy) | ${secs(med((r) => phase(r, 'freeze')))} | ${secs(med((r) => phase(r, 'transfer')))} | ${secs(med((r) => phase(r, 'verify')))} | ${secs(med((r) => phase(r, 'restore')))} | **${secs(med((r) => r.downtimeMs))}** | ${secs(med((r) => phase(r, 'preflight')))} | ${secs(med((r) => phase(r, 'confirm') + phase(r, 'stop-source')))} | ${secs(med((r) => r.totalMs))} | ${mib(med((r) => r.bytes))} |`,
    `| not Stasis: a direct stream between the hosts (on stasis-a: checkpoint --export \\| tee \\| ssh stasis-b 'cat > file'; then restore --import) | ${secs(mdir((r) => r.stream))} (freeze to the last byte) | | – | ${secs(mdir((r) => r.restore))} | **${secs(mdir((r) => r.downtime))}** | – | – | ${secs(mdir((r) => r.downtime))} | 256 MiB |`,
    '',
    `Downtime Stasis / manual: **${downtimeRatio.toFixed(2)}×** (goal ≤ 0.5×); a direct stream with no relay at all / manual: ${(mdir((r) => r.downtime) / mm((r) => r.downtime)).toFixed(2)}×. Bytes on the wire ${mib(med((r) => r.bytes))} vs the zstd archive ${mib(mm((r) => r.zstd))} (random memory does not compress; goal: no more than the compressed archive).`,
    `Compression on the wire (Stasis's choice, first run): ${ours[0]?.preflight.find((c) => c.id === 'compression')?.detail ?? 'not reported'}`,
    `Stasis's "freeze + dump" runs until the first archive byte leaves the source (podman's checkpoint start and CRIU's dump of the non-memory state); the dump of the pages overlaps "transfer".`,
    'Lazy (post-copy) migration: of process trees, in bench/migrate-lazy.bench.ts (same command); podman 4.3 containers cannot move lazily (see the migration section of docs/ARCHITECTURE.md).',
    `Command: npm run bench -- migrate (STASIS_BENCH_RUNS=${RUNS}).`,
    '',
  ];
  const md = lines.join('\n');
  writeFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'migrate.md'), md);
  console.log(md);
}

main().catch((err: unknown) => {
  console.error(err);
  cleanup();
  process.exit(1);
});
