import type { MigrationStrategy, PreflightCheck } from '../../../shared/domain/migration';
import type { TreeFacts } from './helper-schemas';
import { compareVersions, diskSpaceChecks, strategyOk, strategyRefused, type StrategyChoice } from './preflight';

const MiB = 1024 * 1024;

/** Below this much memory, stop-and-copy's downtime is short anyway, and it keeps a checkpoint. */
export const LAZY_FROM_BYTES = 64 * MiB;

/**
 * Which strategy moves a process tree. Stop-and-copy dumps it into the source's store (CRIU stops it), streams it to
 * the destination and restores it there, the stored checkpoint bringing it back on the source if anything fails.
 * Lazy (post-copy) restores it on the destination right after the dump of everything but memory, which follows
 * while it runs (tree-lazy-move.ts). `auto` takes lazy when both hosts can and the tree's memory is large enough for
 * the downtime to matter.
 */
export function chooseTreeStrategy(asked: MigrationStrategy, src: TreeFacts, dst: TreeFacts): StrategyChoice {
  const lazyHosts = src.lazyPages && dst.lazyPages && dst.pipeMaxSize >= 4 * MiB;
  const noLazy =
    'lazy migration needs userfaultfd (criu check --feature uffd-noncoop) on both hosts and fs.pipe-max-size >= 4 MiB on the destination (sysctl -w fs.pipe-max-size=4194304)';
  const noPre = 'pre-copy needs soft-dirty memory tracking, which this kernel lacks (criu check --feature mem_dirty_track fails)';
  const lazyHow =
    'the tree runs on the destination right after CRIU dumps everything but its memory, and the memory follows over SSH while it runs; until the last page has arrived the move needs both hosts and the link (if either fails, the tree runs on on the source), and a lazy move keeps no checkpoint';
  const copyHow = 'the tree is dumped into the source store (CRIU stops it), streamed to the destination and restored there; the kept checkpoint brings it back on the source if anything fails';
  if (asked === 'lazy') return lazyHosts ? strategyOk('lazy', `Asked for: ${lazyHow}.`) : strategyRefused('lazy', `Not available: ${noLazy}.`);
  if (asked === 'pre-copy') return strategyRefused('pre-copy', `Not available: ${src.dirtyTracking && dst.dirtyTracking ? 'pre-copy of process trees is not built into Stasis yet' : noPre}.`);
  if (asked === 'stop-and-copy') return strategyOk('stop-and-copy', `Asked for: ${copyHow}.`);
  const mib = Math.round(src.rss / MiB);
  if (lazyHosts && src.rss >= LAZY_FROM_BYTES) {
    return strategyOk('lazy', `auto chose lazy (post-copy) for ${mib} MiB of memory: its downtime does not grow with the memory; ${lazyHow}. (${noPre}.)`);
  }
  const why = lazyHosts ? `the tree has only ${mib} MiB of memory, so stopping it costs little and keeps a checkpoint` : noLazy;
  return strategyOk('stop-and-copy', `auto chose streamed stop-and-copy (${copyHow}): ${why}; ${noPre}.`);
}

/** The checklist for a process tree, each failure with what to do. */
export function buildTreeChecks(o: { source: string; dest: string; pid: string; src: TreeFacts; dst: TreeFacts }): PreflightCheck[] {
  const { src, dst, source, dest, pid } = o;
  const checks: PreflightCheck[] = [];
  const add = (c: PreflightCheck) => checks.push(c);
  add({ id: 'helper', label: 'Stasis helper on both hosts', verdict: 'ok', detail: `The helpers on ${source} and ${dest} answer.` });
  add(
    src.alive
      ? { id: 'state', label: 'Process tree is running', verdict: 'ok', detail: `Process ${pid} (${src.comm}) runs on ${source}.` }
      : { id: 'state', label: 'Process tree is running', verdict: 'fail', detail: `No process ${pid} on ${source}.`, fix: 'Pick a running process (stasis ps shows them).' },
  );
  const cmp = compareVersions(dst.criu, src.criu);
  add(
    cmp === null
      ? { id: 'criu', label: 'CRIU on the destination', verdict: 'fail', detail: `CRIU version unknown (source ${src.criu}, destination ${dst.criu}).`, fix: `Install CRIU 4 or newer on ${dst.criu === '-' ? dest : source}.` }
      : cmp >= 0
        ? { id: 'criu', label: 'CRIU on the destination', verdict: 'ok', detail: `CRIU ${dst.criu} on ${dest}, ${src.criu} on ${source}.` }
        : { id: 'criu', label: 'CRIU on the destination', verdict: 'fail', detail: `CRIU ${dst.criu} on ${dest} is older than ${src.criu} on ${source}.`, fix: `Update CRIU on ${dest} to ${src.criu} or newer.` },
  );
  add({ id: 'cpu', label: 'CPU compatible', verdict: 'warn', detail: `CPUs are not compared for process trees; if the restore on ${dest} fails, the tree comes back on ${source}.` });
  const major = (k: string) => k.split('.').slice(0, 2).join('.');
  add(
    major(src.kernel) === major(dst.kernel)
      ? { id: 'kernel', label: 'Kernel', verdict: 'ok', detail: `${dst.kernel} on ${dest}, ${src.kernel} on ${source}.` }
      : { id: 'kernel', label: 'Kernel', verdict: 'warn', detail: `Different kernels: ${src.kernel} on ${source}, ${dst.kernel} on ${dest}. CRIU usually copes.` },
  );
  add(
    dst.criuCheck
      ? { id: 'runtime', label: 'Destination can restore', verdict: 'ok', detail: `criu check passes on ${dest}.` }
      : { id: 'runtime', label: 'Destination can restore', verdict: 'fail', detail: `criu check fails on ${dest}.`, fix: `Make "criu check" pass on ${dest} (kernel features, CRIU install).` },
  );
  const rootHere = (who: string) => who === 'root' || who === '0';
  add(
    rootHere(dst.caller) && rootHere(src.caller)
      ? { id: 'received-restore', label: 'Allowed to restore there', verdict: 'ok', detail: `Stasis logs in to ${dest} as root, who may restore a process tree received from another host.` }
      : {
          id: 'received-restore',
          label: 'Allowed to restore there',
          verdict: 'fail',
          detail: `A process tree's checkpoint received from another host can be restored only by root (CRIU restores the credentials written in its images, which came from outside ${dest}), and Stasis logs in as ${rootHere(dst.caller) ? src.caller : dst.caller}.`,
          fix: `Connect to ${source} and ${dest} as root to migrate process trees.`,
        },
  );
  for (const c of diskSpaceChecks({ source, dest, rss: src.rss, sourceFree: src.diskFree, destFree: dst.diskFree })) add(c);
  add({
    id: 'sockets',
    label: 'What CRIU can carry',
    verdict: 'warn',
    detail: `Pipes, files, unix sockets and memory move; TCP and UDP sockets do not on this kernel (the dump then fails and the tree keeps running on ${source}). Files the tree holds open must exist at the same paths on ${dest}.`,
  });
  return checks;
}
