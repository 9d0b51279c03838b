import { z } from 'zod';
import type { ConcreteStrategy, MigrationStrategy, PreflightCheck } from '../../../shared/domain/migration';
import { LOST_REASON, describeProcess, type ProcessCheck } from '../../../shared/domain/processes';
import { HostFacts } from './helper-schemas';

/** What `migrate-check source|dest` answers: plain fields; every judgement is made here. */
const Common = HostFacts.extend({
  podman: z.string(),
  ociRuntime: z.string(),
  /** zstd is installed (compression on the wire needs it on both hosts). */
  zstd: z.boolean().optional(),
});
export const SourceFacts = Common.extend({
  id: z.string().regex(/^[a-f0-9]{12,64}$/),
  name: z.string(),
  state: z.string(),
  image: z.string(),
  imageId: z.string(),
  network: z.string(),
  tcpEstablished: z.number(),
  tcpListening: z.number(),
  udp: z.number(),
  rss: z.number(),
  /** A sample of the container's memory read before the freeze, its size with zstd -1, and how long that took. */
  sampleBytes: z.number().optional(),
  sampleZstdBytes: z.number().optional(),
  sampleZstdUs: z.number().optional(),
  cpuinfo: z.string(),
});
export type SourceFacts = z.infer<typeof SourceFacts>;
export const DestFacts = Common.extend({
  imageId: z.string(),
  nameTaken: z.boolean(),
  cpuCompatible: z.boolean().nullable(),
  /** CRIU's last words when `criu cpuinfo check` failed. */
  cpuCheckOutput: z.string().max(1000).optional(),
  /** Whether the destination's helper restores a received checkpoint for the user Stasis logs in as (helper 1.1.1). */
  receivedRestore: z.boolean().optional(),
  /** That user's name (or uid) as the destination's helper sees it. */
  caller: z.string().optional(),
});
export type DestFacts = z.infer<typeof DestFacts>;

/** Numeric compare of dotted versions ("4.1.1" vs "4.2"); null when either is unknown. */
export function compareVersions(a: string, b: string): number | null {
  const pa = a.match(/^\d+(\.\d+)*/)?.[0].split('.').map(Number);
  const pb = b.match(/^\d+(\.\d+)*/)?.[0].split('.').map(Number);
  if (!pa || !pb) return null;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const MiB = 1024 * 1024;

/** What CRIU prints when `cpuinfo check` finds a real difference (criu/arch/x86/cpu.c). */
const CPU_MISMATCH = /cpu\.c|capabilit|does not match|mismatch|xsave|feature/i;

/** Measured here (bench/migrate.bench.ts): podman's own checkpoint and restore costs dominate a small container. */
export function expectedDowntimeMs(strategy: ConcreteStrategy, rss: number): number {
  const wire = (rss / (70 * MiB)) * 1000;
  if (strategy === 'lazy') return 300;
  return Math.round(2500 + wire + (rss / (400 * MiB)) * 1000);
}

/**
 * Room in each store for the checkpoint (its memory and a fifth, plus 64 MiB): the destination's ('disk'), then the
 * source's ('disk-source').
 */
export function diskSpaceChecks(o: { source: string; dest: string; rss: number; sourceFree: number; destFree: number }): PreflightCheck[] {
  const need = Math.round(o.rss * 1.2 + 64 * MiB);
  const diskCheck = (host: string, free: number, id: string): PreflightCheck =>
    free >= need
      ? { id, label: `Disk space on ${host}`, verdict: 'ok', detail: `${(free / 1024 ** 3).toFixed(1)} GiB free, about ${(need / MiB).toFixed(0)} MiB needed.` }
      : { id, label: `Disk space on ${host}`, verdict: 'fail', detail: `${(free / MiB).toFixed(0)} MiB free in /var/lib/stasis, about ${(need / MiB).toFixed(0)} MiB needed.`, fix: `Free space under /var/lib/stasis on ${host} (stasis rm old checkpoints).` };
  return [diskCheck(o.dest, o.destFree, 'disk'), diskCheck(o.source, o.sourceFree, 'disk-source')];
}

export interface StrategyChoice {
  strategy: ConcreteStrategy;
  reason: string;
  check: PreflightCheck;
}

/** The strategy that runs, with its ok check. */
export const strategyOk = (strategy: ConcreteStrategy, reason: string): StrategyChoice => ({
  strategy,
  reason,
  check: { id: 'strategy', label: `Strategy: ${strategy}`, verdict: 'ok', detail: reason },
});

/** A strategy asked for that cannot run: its failed check says to use stop-and-copy. */
export const strategyRefused = (strategy: ConcreteStrategy, why: string): StrategyChoice => ({
  strategy,
  reason: why,
  check: { id: 'strategy', label: `Strategy: ${strategy}`, verdict: 'fail', detail: why, fix: 'Use --strategy stop-and-copy (or auto).' },
});

/**
 * Which strategy runs. For podman containers only stop-and-copy is offered: lazy migration needs the restore to
 * run CRIU with --lazy-pages under runc, which podman 4.3 cannot ask for, and pre-copy needs soft-dirty tracking.
 */
export function chooseStrategy(asked: MigrationStrategy, runtime: string, src: SourceFacts | null, dst: DestFacts | null): StrategyChoice {
  const dirty = Boolean(src?.dirtyTracking && dst?.dirtyTracking);
  const lazyHosts = Boolean(src?.lazyPages && dst?.lazyPages && (dst?.pipeMaxSize ?? 0) >= 4 * MiB);
  const noPre = dirty
    ? 'pre-copy would need podman to restore on top of a pre-dump image on the other host, which this Stasis does not do yet'
    : 'pre-copy needs soft-dirty memory tracking, which this kernel lacks (criu check --feature mem_dirty_track fails)';
  const noLazy =
    runtime === 'podman'
      ? 'lazy migration of a podman container would need podman to run CRIU with --lazy-pages on restore, which podman 4.3 cannot do (no such option; runc-level restore would bypass podman and leave it with a container it does not know)'
      : lazyHosts
        ? 'lazy migration of process trees is not built into Stasis yet'
        : 'lazy migration needs userfaultfd and fs.pipe-max-size >= 4 MiB on the destination';
  if (asked === 'lazy') return strategyRefused('lazy', `Not available: ${noLazy}.`);
  if (asked === 'pre-copy') return strategyRefused('pre-copy', `Not available: ${noPre}.`);
  if (asked === 'stop-and-copy') return strategyOk('stop-and-copy', 'Asked for: the container is frozen, its checkpoint streams to the destination and is restored there.');
  return strategyOk('stop-and-copy', `auto chose streamed stop-and-copy: ${noLazy}; ${noPre}.`);
}

/**
 * Processes started with exec (outside the init's tree) do not move: CRIU dumps only that tree, and the source
 * container is gone afterwards. A warning naming each one, not a failure: the container itself migrates fine.
 * `null`: the source could not be asked (the migration goes on; the warning says so).
 */
export function lostProcessesCheck(check: ProcessCheck | null, source: string, dest: string): PreflightCheck {
  const label = 'Processes that move';
  if (!check) return { id: 'lost-processes', label, verdict: 'warn', detail: `Could not list the container's processes on ${source}; any started with exec would not move.` };
  if (!check.lost.length) return { id: 'lost-processes', label, verdict: 'ok', detail: `All ${check.processes.length} process(es) are in the tree of the container's main process.` };
  return {
    id: 'lost-processes',
    label,
    verdict: 'warn',
    detail: `${check.lost.length} process(es) will not move and will be gone: ${check.lost.map(describeProcess).join(', ')}. ${LOST_REASON}`,
    fix: `Stop them before migrating, or start them again on ${dest} afterwards (podman exec).`,
  };
}

/** The checklist, each failure with what to do. `copyImage`: a missing image is to be copied, not a failure. */
export function buildChecks(o: {
  source: string;
  dest: string;
  destName: string;
  src: SourceFacts;
  dst: DestFacts;
  copyImage: boolean;
}): PreflightCheck[] {
  const { src, dst, source, dest } = o;
  const checks: PreflightCheck[] = [];
  const add = (c: PreflightCheck) => checks.push(c);
  add({ id: 'helper', label: 'Stasis helper on both hosts', verdict: 'ok', detail: `The helpers on ${source} and ${dest} answer, at this Stasis's version.` });
  add(
    src.state === 'running'
      ? { id: 'state', label: 'Container is running', verdict: 'ok', detail: `${src.name} runs on ${source}.` }
      : { id: 'state', label: 'Container is running', verdict: 'fail', detail: `${src.name} is ${src.state} on ${source}.`, fix: 'Start it first; only running containers migrate.' },
  );
  const cmp = compareVersions(dst.criu, src.criu);
  add(
    cmp === null
      ? { id: 'criu', label: 'CRIU on the destination', verdict: 'fail', detail: `CRIU version unknown (source ${src.criu}, destination ${dst.criu}).`, fix: `Install CRIU 4 or newer on ${cmp === null && dst.criu === '-' ? dest : source}.` }
      : cmp >= 0
        ? { id: 'criu', label: 'CRIU on the destination', verdict: 'ok', detail: `CRIU ${dst.criu} on ${dest}, ${src.criu} on ${source}.` }
        : { id: 'criu', label: 'CRIU on the destination', verdict: 'fail', detail: `CRIU ${dst.criu} on ${dest} is older than ${src.criu} on ${source}.`, fix: `Update CRIU on ${dest} to ${src.criu} or newer.` },
  );
  add(
    dst.cpuCompatible === true
      ? { id: 'cpu', label: 'CPU compatible', verdict: 'ok', detail: `criu cpuinfo check on ${dest} accepts ${source}'s CPU features.` }
      : dst.cpuCompatible === false && CPU_MISMATCH.test(dst.cpuCheckOutput ?? '')
        ? { id: 'cpu', label: 'CPU compatible', verdict: 'fail', detail: `${dest}'s CPU lacks features the processes on ${source} may use (criu cpuinfo check: ${dst.cpuCheckOutput}).`, fix: 'Choose a destination with the same or a newer CPU.' }
        : dst.cpuCompatible === false
          ? // The check itself failed without naming a CPU difference (seen under heavy load): the restore will tell,
            // and a failed restore brings the container back on the source.
            { id: 'cpu', label: 'CPU compatible', verdict: 'warn', detail: `criu cpuinfo check on ${dest} failed without naming a CPU difference${dst.cpuCheckOutput ? ` (${dst.cpuCheckOutput})` : ''}; if the restore fails, the container comes back on ${source}.` }
        : { id: 'cpu', label: 'CPU compatible', verdict: 'warn', detail: `Could not compare CPUs (criu cpuinfo dump failed on ${source}); the restore will tell.` },
  );
  const major = (k: string) => k.split('.').slice(0, 2).join('.');
  add(
    major(src.kernel) === major(dst.kernel)
      ? { id: 'kernel', label: 'Kernel', verdict: 'ok', detail: `${dst.kernel} on ${dest}, ${src.kernel} on ${source}.` }
      : { id: 'kernel', label: 'Kernel', verdict: 'warn', detail: `Different kernels: ${src.kernel} on ${source}, ${dst.kernel} on ${dest}. CRIU usually copes; features the processes use must exist on both.` },
  );
  add(
    dst.ociRuntime === 'runc' && dst.criuCheck
      ? { id: 'runtime', label: 'Destination can restore', verdict: 'ok', detail: `podman ${dst.podman} with runc, and criu check passes on ${dest}.` }
      : { id: 'runtime', label: 'Destination can restore', verdict: 'fail', detail: `podman on ${dest} uses ${dst.ociRuntime || 'an unknown runtime'}${dst.criuCheck ? '' : ' and criu check fails'}.`, fix: `Use runc as podman's runtime on ${dest} and make "criu check" pass there.` },
  );
  add(
    dst.receivedRestore !== false
      ? { id: 'received-restore', label: 'Allowed to restore there', verdict: 'ok', detail: `${dest}'s helper restores checkpoints received from another host for the user Stasis logs in as.` }
      : {
          id: 'received-restore',
          label: 'Allowed to restore there',
          verdict: 'fail',
          detail: `${dest}'s helper restores a checkpoint received from another host only for root or a user its administrator allows (its container configuration comes from outside that host, so restoring it can grant root), and ${dst.caller ?? 'the user Stasis logs in as'} is neither.`,
          fix: `Connect to ${dest} as root, or ask its administrator to add the line "allow-received-restore ${dst.caller ?? 'USER'}" to /etc/stasis/helper.conf (owned by root, writable only by root).`,
        },
  );
  if (dst.imageId && dst.imageId === src.imageId) {
    add({ id: 'image', label: 'Image on the destination', verdict: 'ok', detail: `${src.image} (${src.imageId.slice(0, 12)}) is on ${dest}.` });
  } else if (dst.imageId) {
    add({ id: 'image', label: 'Image on the destination', verdict: 'warn', detail: `${dest} has ${src.image}, but as ${dst.imageId.slice(0, 12)}, not ${src.imageId.slice(0, 12)}: the container's files come from the destination's copy.` });
  } else {
    add({
      id: 'image',
      label: 'Image on the destination',
      verdict: o.copyImage ? 'fixable' : 'fail',
      detail: `${src.image} is not on ${dest}.`,
      fix: `Copy it first: podman save ${src.image} on ${source} | podman load on ${dest}.`,
    });
  }
  add(
    dst.nameTaken
      ? { id: 'name', label: 'Name free on the destination', verdict: 'fail', detail: `${dest} already has a container named ${o.destName}.`, fix: 'Choose another name (--name NEW), or remove that container.' }
      : { id: 'name', label: 'Name free on the destination', verdict: 'ok', detail: `No container named ${o.destName} on ${dest}.` },
  );
  for (const c of diskSpaceChecks({ source, dest, rss: src.rss, sourceFree: src.diskFree, destFree: dst.diskFree })) add(c);
  const net = src.network;
  add(
    net === 'none' || net === ''
      ? { id: 'network', label: 'Network mode', verdict: 'ok', detail: 'The container has no network of its own: nothing to carry.' }
      : net === 'host'
        ? { id: 'network', label: 'Network mode', verdict: 'warn', detail: `The container uses the host's network; on ${dest} it sees ${dest}'s addresses.` }
        : { id: 'network', label: 'Network mode', verdict: 'warn', detail: `Network mode ${net}: the container gets a network on ${dest} as podman sets it up there; its IP address may change.` },
  );
  const sockets = src.tcpEstablished + src.tcpListening + src.udp;
  add(
    sockets === 0
      ? { id: 'sockets', label: 'What CRIU can carry', verdict: 'ok', detail: 'No TCP or UDP sockets: pipes, files, unix sockets and memory all move.' }
      : {
          id: 'sockets',
          label: 'What CRIU can carry',
          verdict: 'fail',
          detail: `The container has ${src.tcpEstablished} open TCP connection(s), ${src.tcpListening} listening TCP socket(s) and ${src.udp} UDP socket(s). CRIU on this kernel cannot save TCP or UDP sockets (it fails reading their options).`,
          fix: 'Close them (stop the server or its clients) before migrating, or move a container without network sockets.',
        },
  );
  return checks;
}
