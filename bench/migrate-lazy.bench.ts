// Migration of a 256 MiB memhog process tree from stasis-a to stasis-b: Stasis's lazy (post-copy) move and its
// streamed stop-and-copy vs the manual pipeline a user would type (criu dump to a directory, scp -3 -r, criu restore),
// in the same run, alternating, each phase timed. Run: npm run bench -- migrate-lazy
// → markdown table on stdout and in bench/results/migrate-lazy.md
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import type { MigrationResult } from '../shared/domain/migration';
import { migrationOverTestHosts } from '../test-support/ssh-test-hosts';
import { deleteStoredCheckpoints } from '../test-support/cleanup';
import { until } from '../test-support/poll';
import { CONFIG, median, mib, secs, ssh, timed } from './test-hosts';
import { INSTALLED_HELPER } from '../electron/services/helper-source';

const RUNS = Number(process.env['STASIS_BENCH_RUNS'] ?? 3);
const MIB = 256;
const TAG = `/tmp/stasis-bench-lazy-${process.pid}`;
const MEMHOG = '/usr/local/lib/stasis-ci/memhog';

const ours = () =>
  spawnSync('pgrep', ['-f', `${MEMHOG} ${MIB} 1 ${TAG}-`], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number);

/** memhog on stasis-a, its own session; resolves to its PID once its memory is full. */
async function memhog(run: string): Promise<number> {
  const status = `${TAG}-${run}`;
  ssh('stasis-a', 'sh', '-c', `'setsid ${MEMHOG} ${MIB} 1 ${status} </dev/null >/dev/null 2>&1 &'`);
  await until('memhog to fill its memory', () => spawnSync('ssh', ['-F', CONFIG, 'stasis-a', 'cat', `${status}.ready`], { encoding: 'utf8' }).stdout, (out) => out.includes('touched'));
  const pid = await until('memhog\'s PID', () => spawnSync('pgrep', ['-f', `${MEMHOG} ${MIB} 1 ${status}$`], { encoding: 'utf8' }).stdout.trim(), (p) => /^\d+$/.test(p));
  return Number(pid);
}

/** Waits until memhog writes its status on `host` (it runs there). */
async function runsOn(host: string, run: string): Promise<void> {
  await until(`memhog ${run} to run on ${host}`, () => spawnSync('ssh', ['-F', CONFIG, host, 'cat', `${TAG}-${run}`], { encoding: 'utf8' }).stdout, (out) => /^\d+ ok/.test(out), {
    timeoutMs: 120_000,
    everyMs: 100,
  });
}

function cleanup(): void {
  for (const p of ours()) spawnSync('kill', ['-KILL', String(p)]);
  for (const h of ['stasis-a', 'stasis-b']) {
    spawnSync('ssh', ['-F', CONFIG, h, 'sh', '-c', `'rm -rf ${TAG}*'`], { stdio: 'ignore' });
    deleteStoredCheckpoints((c) => c.container.runtime === 'process' && c.container.name === 'memhog', ['ssh', '-F', CONFIG, h, INSTALLED_HELPER]);
  }
}

interface Manual {
  dump: number;
  copy: number;
  restore: number;
  downtime: number;
  bytes: number;
}

/** What a user types; the tree is stopped from the dump until the restore returns. */
function manual(pid: number): Manual {
  const dir = `${TAG}-img`;
  ssh('stasis-a', 'mkdir', '-p', dir);
  ssh('stasis-b', 'mkdir', '-p', dir);
  const dump = timed(() => ssh('stasis-a', 'criu', 'dump', '-t', String(pid), '-D', dir, '--shell-job'));
  const bytes = Number(ssh('stasis-a', 'du', '-sb', dir).split(/\s+/)[0]);
  const copy = timed(() => {
    const r = spawnSync('scp', ['-q', '-3', '-r', '-F', CONFIG, `stasis-a:${dir}/.`, `stasis-b:${dir}/`], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`scp: ${r.stderr}`);
  });
  // The original's PIDs are free again (CRIU ended it): restore in place, detached.
  const restore = timed(() => ssh('stasis-b', 'criu', 'restore', '-D', dir, '--shell-job', '-d'));
  ssh('stasis-a', 'rm', '-rf', dir);
  ssh('stasis-b', 'rm', '-rf', dir);
  return { dump, copy, restore, downtime: dump + copy + restore, bytes };
}

async function main(): Promise<void> {
  const { hosts, svc } = migrationOverTestHosts({});
  const manuals: Manual[] = [];
  const lazy: MigrationResult[] = [];
  const copies: MigrationResult[] = [];
  const move = async (strategy: 'lazy' | 'stop-and-copy', run: string): Promise<MigrationResult> => {
    const pid = await memhog(run);
    const r = await svc.start({ sourceHostId: 'stasis-a', destHostId: 'stasis-b', container: String(pid), runtime: 'process', strategy, keepSource: false, copyImage: false });
    if (r.runningOn !== 'stasis-b' || r.strategy !== strategy) throw new Error(`${strategy} move failed: ${r.message}`);
    await runsOn('stasis-b', run);
    for (const p of ours()) spawnSync('kill', ['-KILL', String(p)]);
    return r;
  };
  try {
    cleanup();
    // The plan auto makes for this tree, said in the table.
    const probe = await memhog('plan');
    const plan = await svc.check({ sourceHostId: 'stasis-a', destHostId: 'stasis-b', container: String(probe), runtime: 'process', strategy: 'auto', keepSource: false, copyImage: false });
    for (const p of ours()) spawnSync('kill', ['-KILL', String(p)]);
    for (let i = 0; i < RUNS; i++) {
      const pid = await memhog(`manual${i}`);
      manuals.push(manual(pid));
      await runsOn('stasis-b', `manual${i}`);
      for (const p of ours()) spawnSync('kill', ['-KILL', String(p)]);
      lazy.push(await move('lazy', `lazy${i}`));
      copies.push(await move('stop-and-copy', `copy${i}`));
      console.error(`run ${i + 1}/${RUNS}: manual ${secs(manuals[i]!.downtime)}, lazy ${secs(lazy[i]!.downtimeMs)}, stop-and-copy ${secs(copies[i]!.downtimeMs)}`);
    }
    const phase = (r: MigrationResult, p: string) => r.phases.filter((x) => x.phase === p).reduce((a, x) => a + x.ms, 0);
    const mm = (f: (m: Manual) => number) => median(manuals.map(f));
    const row = (label: string, rs: MigrationResult[]) =>
      `| ${label} | ${secs(median(rs.map((r) => phase(r, 'freeze'))))} | ${secs(median(rs.map((r) => phase(r, 'transfer') + phase(r, 'verify'))))} | ${secs(median(rs.map((r) => phase(r, 'restore'))))} | **${secs(median(rs.map((r) => r.downtimeMs)))}** | ${secs(median(rs.map((r) => phase(r, 'pages'))))} | ${secs(median(rs.map((r) => r.totalMs)))} | ${mib(median(rs.map((r) => r.bytes)))} |`;
    const manualDown = mm((m) => m.downtime);
    const lazyDown = median(lazy.map((r) => r.downtimeMs));
    const copyDown = median(copies.map((r) => r.downtimeMs));
    const md = [
      `## migrate-lazy — ${MIB} MiB memhog process tree, stasis-a → stasis-b (median of ${RUNS}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(1)} at the end)`,
      '',
      '| | freeze + dump | transfer | restore | **downtime** | memory after the restore | total | bytes on the wire |',
      '|---|---|---|---|---|---|---|---|',
      `| manual: criu dump, scp -3 -r, criu restore -d | ${secs(mm((m) => m.dump))} | ${secs(mm((m) => m.copy))} | ${secs(mm((m) => m.restore))} | **${secs(manualDown)}** | – | ${secs(manualDown)} | ${mib(mm((m) => m.bytes))} |`,
      row('stasis migrate --strategy lazy (post-copy)', lazy),
      row('stasis migrate --strategy stop-and-copy (streamed)', copies),
      '',
      `Downtime lazy / manual: **${(lazyDown / manualDown).toFixed(2)}×** (goal ≤ 0.15×); stop-and-copy / manual: **${(copyDown / manualDown).toFixed(2)}×**.`,
      `"freeze + dump" for lazy ends when CRIU serves the pages (everything but memory dumped); "transfer" is those images' copy; "memory after the restore" is the time the destination's lazy-pages daemon took to pull every page while the tree already ran there.`,
      `What auto chose for this tree: **${plan.strategy}** — ${plan.strategyReason}`,
      `Command: npm run bench -- migrate-lazy (STASIS_BENCH_RUNS=${RUNS}).`,
      '',
    ].join('\n');
    console.log(md);
    writeFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'migrate-lazy.md'), md);
  } finally {
    hosts.closeAll();
    cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
