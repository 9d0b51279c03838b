// Checkpoint + restore of one 256 MiB container through Stasis vs the raw podman commands (same run, same
// container, alternating), and the container list of three hosts (this computer + 2 SSH test hosts).
// Run: npx tsx bench/checkpoint.bench.ts  → markdown table on stdout and in bench/results/checkpoint.md
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '../shared/api/client';
import { createDispatch } from '../shared/api/dispatch';
import { createAppServices } from '../electron/services/app-services';
import { deleteStoredCheckpoints } from '../test-support/cleanup';

const RUNS = Number(process.env['STASIS_BENCH_RUNS'] ?? 3);
const MIB = 256;
const NAME = `stasis-test-bench-${process.pid}`;
const HOSTS_DIR = process.env['STASIS_TEST_HOSTS'] ?? '/srv/stasis-hosts';
const work = mkdtempSync(path.join(tmpdir(), 'stasis-bench-'));

const podman = (...args: string[]) => execFileSync('podman', args, { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(fn: () => T | Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

/** Two-host ssh config (stasis-a, stasis-b) so that the list covers exactly three hosts with this computer. */
function twoHostConfig(): string {
  const src = readFileSync(path.join(HOSTS_DIR, 'ssh_config'), 'utf8');
  const blocks = src.split(/\n(?=Host )/).filter((b) => /^Host (stasis-a|stasis-b)\s*$/m.test(b));
  const file = path.join(work, 'ssh_config');
  writeFileSync(file, blocks.join('\n'));
  return file;
}

function apiFor(sshConfigPath: string) {
  const services = createAppServices({ mode: 'browser', sshConfigPath, hostsFile: path.join(work, 'hosts.json') });
  const dispatch = createDispatch(services.handlers);
  return { api: createClient({ invoke: (c, i) => dispatch(c, i, { caller: 'bench' }), on: () => () => {} }), close: services.close };
}

/** The container, any checkpoint of it a failed run left in the store, and the work folder. */
function cleanup(): void {
  spawnSync('podman', ['rm', '-f', '-t', '0', NAME]);
  deleteStoredCheckpoints((c) => c.container.name === NAME);
  rmSync(work, { recursive: true, force: true });
}

async function main(): Promise<void> {
  // Ctrl-C, or a `timeout` around the run.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      cleanup();
      process.exit(code);
    });
  }
  const rows: string[][] = [];
  const notes: string[] = [];
  let close = (): void => {};
  try {
    const conn = apiFor(twoHostConfig());
    const api = conn.api;
    close = conn.close;
    podman('run', '-d', '--name', NAME, '--network', 'none', 'localhost/stasis-debian:latest', '/usr/local/bin/memhog', String(MIB), '0', '/tmp/status');
    for (let i = 0; i < 100 && !/ ok /.test(spawnSync('podman', ['exec', NAME, 'cat', '/tmp/status'], { encoding: 'utf8' }).stdout); i++) await sleep(200);

    const raw = { ck: [] as number[], rs: [] as number[] };
    const ours = { ck: [] as number[], rs: [] as number[] };
    const archive = path.join(work, 'raw.tar');
    for (let run = 0; run < RUNS; run++) {
      // Raw podman: what a user types.
      const [rck] = await timed(() => podman('container', 'checkpoint', '--export', archive, '--compress', 'none', NAME));
      const [rrs] = await timed(() => {
        podman('rm', '-f', NAME);
        return podman('container', 'restore', '--import', archive);
      });
      raw.ck.push(rck);
      raw.rs.push(rrs);
      rmSync(archive, { force: true });
      await sleep(500);

      // Stasis: the same work through the typed API, the helper and its store.
      const [sck, made] = await timed(() => api.checkpoints.create({ hostId: 'local', runtime: 'podman', container: NAME, options: { compression: 'none', leaveRunning: false } }));
      const [srs] = await timed(() => api.checkpoints.restore({ hostId: 'local', checkpointId: made.id }));
      ours.ck.push(sck);
      ours.rs.push(srs);
      await api.checkpoints.delete({ hostId: 'local', checkpointId: made.id });
      await sleep(500);
    }
    const status = podman('exec', NAME, 'cat', '/tmp/status');
    if (!/ ok /.test(status)) throw new Error(`memhog reports ${status} after the runs`);
    notes.push(`memhog after ${RUNS * 2} restores: \`${status}\``);

    const pct = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)} %`;
    const rc = median(raw.ck);
    const sc = median(ours.ck);
    const rr = median(raw.rs);
    const sr = median(ours.rs);
    rows.push([`checkpoint ${MIB} MiB (no compression)`, secs(rc), secs(sc), pct(sc, rc), '≤ 10 %']);
    rows.push([`restore ${MIB} MiB (replace stopped original)`, secs(rr), secs(sr), pct(sr, rr), '≤ 10 %']);
    rows.push(['checkpoint + restore', secs(rc + rr), secs(sc + sr), pct(sc + sr, rc + rr), '≤ 10 %']);

    // Container list of three hosts: cold (includes SSH connects) and warm (median of 5).
    const [cold, first] = await timed(() => api.containers.list({}));
    if (first.errors.length) throw new Error(`list errors: ${JSON.stringify(first.errors)}`);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push((await timed(() => api.containers.list({})))[0]);
    const hosts = new Set(['local', 'stasis-a', 'stasis-b']);
    rows.push(['container list, 3 hosts (local + 2 SSH), first call incl. connects', '—', secs(cold), '', '< 1 s']);
    rows.push(['container list, 3 hosts, connected (median of 5)', '—', secs(median(warm)), '', '< 1 s']);
    notes.push(`load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min, ${availableParallelism()} cores)`);
    notes.push(`hosts listed: ${[...hosts].join(', ')}; containers seen: ${first.containers.length}`);
  } finally {
    close();
    cleanup();
  }
  const md = [
    '## checkpoint',
    '',
    `Same ${MIB} MiB memhog container (random memory), ${RUNS} runs each, alternating, median. Command: \`npx tsx bench/checkpoint.bench.ts\`.`,
    '',
    '| what | raw podman | Stasis | overhead | goal |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  writeFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'checkpoint.md'), md);
  console.log(md);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
