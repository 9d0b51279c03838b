import { randomInt } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { StasisError, toErrorShape } from '../../../shared/api/errors';
import type { MigrationPlan, MigrationResult, RecoveryResult } from '../../../shared/domain/migration';
import type { HelperByteStream, HelperClient } from '../helper-client';
import { LazyEnd, LazyIn, TreeFacts, type Journal } from './helper-schemas';
import { treeResult, type TreeHelpers, type TreeMoveContext } from './tree-migration';


/** The page channel: the destination's lazy-pages daemon ↔ Stasis ↔ the source's CRIU page server. */
interface PageBridge {
  port: number;
  /** Bytes of pages (and their requests) carried so far. */
  readonly bytes: number;
  connectTo(sourcePort: number): void;
  /** Cuts both ends (the fault the system test injects, and the end of a failed move). */
  cut(): void;
}

async function openBridge(f: TreeHelpers): Promise<PageBridge> {
  const listener = await f.dstHelper.loopback().listen();
  const ends: Duplex[] = [];
  let bytes = 0;
  let sourcePort = 0;
  let cutOff = false;
  const cut = () => {
    cutOff = true;
    listener.close();
    for (const e of ends) e.destroy();
  };
  void listener.accept().then(async (d) => {
    ends.push(d);
    d.on('error', () => cut());
    if (cutOff || !sourcePort) return cut();
    const s = await f.srcHelper.loopback().connect(sourcePort).catch(() => null);
    if (!s) return cut();
    ends.push(s);
    s.on('error', () => cut());
    if (cutOff) return cut();
    s.on('data', (c: Buffer) => (bytes += c.length));
    d.on('data', (c: Buffer) => (bytes += c.length));
    // Either end closing ends the other: CRIU on each side then sees the channel gone.
    s.pipe(d);
    d.pipe(s);
    s.on('close', () => d.destroy());
    d.on('close', () => s.destroy());
  });
  return {
    port: listener.port,
    get bytes() {
      return bytes;
    },
    connectTo: (p) => (sourcePort = p),
    cut,
  };
}

/**
 * Lazy (post-copy) move of a process tree: the source's CRIU dumps everything but memory and serves the pages; the
 * destination restores from those images at once and its lazy-pages daemon pulls the memory (on demand, and all of
 * it in the background) through a channel Stasis joins from an SSH port forward on each host. Downtime is the dump
 * of the non-memory state, its copy and the restore; the memory follows while the tree runs.
 * Until the last page has arrived the tree's memory lies on both hosts. CRIU on the source takes a page channel that
 * closes as a transfer that is through, so it runs with --leave-stopped: the source tree stays (stopped) until the
 * destination's daemon says every page is in, and only then does Stasis kill it (`lazy-end finish`). If anything
 * fails first, the destination's tree is killed (it lacks pages; its host's daemon also does so by itself when the
 * channel breaks) and the source's tree let run on (`lazy-end abort`). Nothing is stored.
 */
export async function moveTreeLazy(ctx: TreeMoveContext, f: TreeHelpers, plan: MigrationPlan): Promise<MigrationResult> {
  const { input, state } = ctx;
  const { sourceHostId: source, destHostId: dest } = input;
  const mg = ctx.migrationId;
  const name = plan.container.name;
  // The journal on the source's store lets a later Stasis settle a move this one could not end (settleLazyTree).
  await f.srcHelper.call('journal', ['begin', mg, 'process', input.container, name, source, dest, name], { timeoutMs: 30_000 });
  const journal = (phase: string) => f.srcHelper.call('journal', ['set', mg, phase], { timeoutMs: 30_000 }).catch(() => undefined);
  const bridge = await openBridge(f).catch(async (err: unknown) => {
    await journal('failed');
    throw err;
  });

  ctx.enter('freeze');
  const frozenAt = Date.now();
  state.frozen = true;
  let images: HelperByteStream | undefined;
  let lastError: unknown;
  // The source picks no port itself: one taken by another program fails CRIU's bind (the tree runs on), so try again.
  for (let attempt = 0; attempt < 3 && !images; attempt++) {
    const port = randomInt(20_000, 60_000);
    bridge.connectTo(port);
    images = await f.srcHelper.stream('lazy-out', [mg, input.container, String(port)], { timeoutMs: 10 * 60_000 }).catch((err: unknown) => {
      lastError = err;
      return undefined;
    });
    if (!images && !/bind|Address already in use/i.test(JSON.stringify(toErrorShape(lastError)))) break;
  }
  if (!images) {
    bridge.cut();
    await journal('rolled-back');
    throw new StasisError('operation-failed', `Dumping process ${input.container} on ${source} for a lazy move failed (${toErrorShape(lastError).message}). It still runs there; nothing moved.`);
  }
  const out = images;
  state.stop = () => out.stop();

  ctx.enter('transfer');
  let imageBytes = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of out.bytes) {
      imageBytes += chunk.length;
      ctx.emit(imageBytes, null, 'the tree without its memory');
      yield chunk;
    }
  }
  const abort = (why: unknown) => abortLazy(ctx, f, { plan, bridge, frozenAt, why, bytes: () => imageBytes + bridge.bytes });
  let pid: string;
  try {
    if (state.cancelled) throw new StasisError('cancelled', 'Cancelled.');
    const r = LazyIn.parse(
      await f.dstHelper.call('lazy-in', [mg, String(bridge.port)], {
        stdin: counted(),
        timeoutMs: 10 * 60_000,
        onProgress: (p) => {
          if (p.phase === 'restore') ctx.enter('restore');
        },
      }),
    );
    pid = r.pid;
  } catch (err) {
    return abort(err);
  }
  const downtimeMs = Date.now() - frozenAt;

  ctx.enter('confirm');
  const runs = await f.dstHelper
    .call('tree-check', [pid], { timeoutMs: 60_000 })
    .then((r) => TreeFacts.parse(r).alive)
    .catch(() => false);
  if (!runs) return abort(new StasisError('operation-failed', `${name} was restored on ${dest} as process ${pid} but does not run there.`));

  // The tree runs on the destination; its memory follows. Cancelling now is a rollback too.
  await journal('restored');
  ctx.enter('pages');
  ctx.faults?.lazyPages?.(() => bridge.cut());
  const total = Math.max(plan.memoryBytes ?? 0, 1);
  const ticker = setInterval(() => ctx.emit(bridge.bytes, total, 'memory pages'), 250);
  state.stop = () => bridge.cut();
  let destEnd: LazyEnd;
  let srcEnd: LazyEnd;
  try {
    destEnd = LazyEnd.parse(await f.dstHelper.call('lazy-end', [mg, 'wait'], { timeoutMs: 60 * 60_000 }));
    if (!destEnd.ended || destEnd.rc !== 0 || !destEnd.treeAlive) {
      throw new StasisError('operation-failed', `The memory of ${name} did not all arrive on ${dest} (${destEnd.ended ? `CRIU's lazy-pages daemon ended with ${destEnd.rc}` : 'still waiting'}): ${destEnd.log.slice(-300)}`);
    }
    // Every page is on the destination: CRIU on the source is through and left the tree stopped; end it there.
    await f.srcHelper.call('lazy-end', [mg, 'wait', '120'], { timeoutMs: 5 * 60_000 });
    srcEnd = LazyEnd.parse(await f.srcHelper.call('lazy-end', [mg, 'finish'], { timeoutMs: 5 * 60_000 }));
  } catch (err) {
    return abort(err);
  } finally {
    clearInterval(ticker);
  }
  const wire = imageBytes + bridge.bytes;
  bridge.cut();
  await journal('done');
  const sourceNote = srcEnd.treeAlive ? `but process ${input.container} is still there on ${source} after Stasis killed it: check ${source}` : `${source} no longer runs it`;
  ctx.enter('done');
  return treeResult(ctx, plan, {
    runningOn: dest,
    rolledBack: false,
    container: { runtime: 'process', id: pid, name },
    downtimeMs,
    bytes: wire,
    checkpointId: null,
    destCheckpointId: null,
    message: `${name} runs on ${dest} now as process ${pid} (lazy: it ran there after ${(downtimeMs / 1000).toFixed(2)} s, its memory followed), ${sourceNote}. A lazy move keeps no checkpoint.`,
  });
}

/** After the freeze something failed: fence the destination's tree, then let the source's run on. */
async function abortLazy(
  ctx: TreeMoveContext,
  f: TreeHelpers,
  o: { plan: MigrationPlan; bridge: PageBridge; frozenAt: number; why: unknown; bytes: () => number },
): Promise<MigrationResult> {
  const reason = toErrorShape(o.why).message;
  const { sourceHostId: source, destHostId: dest, container: pid } = ctx.input;
  const mg = ctx.migrationId;
  ctx.enter('rollback', reason);
  const bytes = o.bytes();
  // The fence first: the destination's tree has only part of its memory and must not run beside the source's.
  // (not-found: the destination's lazy-in failed and fenced its own start already.)
  let fenceError = '';
  await f.dstHelper.call('lazy-end', [mg, 'abort'], { timeoutMs: 60_000 }).catch((err: unknown) => {
    const e = toErrorShape(err);
    if (e.code !== 'not-found') fenceError = e.message;
  });
  o.bridge.cut();
  const released = await f.srcHelper
    .call('lazy-end', [mg, 'abort'], { timeoutMs: 60_000 })
    .then((r) => LazyEnd.parse(r))
    .catch(() => null);
  const alive = await f.srcHelper
    .call('tree-check', [pid], { timeoutMs: 60_000 })
    .then((r) => TreeFacts.parse(r).alive)
    .catch(() => null);
  await f.srcHelper.call('journal', ['set', mg, alive ? 'rolled-back' : 'failed'], { timeoutMs: 30_000 }).catch(() => undefined);
  const name = o.plan.container.name;
  const fenceNote = fenceError ? ` Stasis could not reach ${dest} to stop the partial copy there (${fenceError}); without its memory it cannot run on.` : '';
  const message = alive
    ? `${name} runs on ${source} again as process ${pid}: CRIU let it run on when the lazy move was undone.${fenceNote}`
    : `${name} no longer runs on ${source}${released ? '' : ` (Stasis could not reach ${source})`}, and the partial copy on ${dest} was stopped. A lazy move keeps no checkpoint: it is lost.${fenceNote}`;
  ctx.enter('done');
  return treeResult(ctx, o.plan, {
    runningOn: alive ? source : '',
    rolledBack: Boolean(alive),
    container: { runtime: 'process', id: pid, name },
    downtimeMs: Date.now() - o.frozenAt,
    bytes,
    checkpointId: null,
    destCheckpointId: null,
    message: `The lazy migration failed (${reason}). ${message}`,
  });
}

/**
 * Ends a lazy move whose Stasis was killed (from its journal on the source): the destination has every page and its
 * tree runs → the stopped source tree is killed; anything else → the destination's copy is killed and the source's
 * tree let run on. Nothing is touched while the destination cannot be reached (the source tree then stays stopped or
 * frozen, never running twice).
 */
export async function settleLazyTree(src: HelperClient, dst: HelperClient, j: Journal): Promise<RecoveryResult> {
  const { id: mg, source, dest, cname } = j;
  const missing = (err: unknown) => toErrorShape(err).code === 'not-found';
  let there: LazyEnd | null;
  try {
    there = LazyEnd.parse(await dst.call('lazy-end', [mg, 'wait', '5'], { timeoutMs: 60_000 }));
  } catch (err) {
    if (!missing(err)) {
      throw new StasisError('host-unreachable', `Cannot see on ${dest} whether the lazy move of ${cname} got through (${toErrorShape(err).message}); its tree stays stopped on ${source} until it can. Try again when ${dest} answers.`);
    }
    there = null;
  }
  const close = (phase: string) => src.call('journal', ['set', mg, phase], { timeoutMs: 30_000 }).catch(() => undefined);
  if (there?.ended && there.rc === 0 && there.treeAlive) {
    await src.call('lazy-end', [mg, 'wait', '30'], { timeoutMs: 120_000 }).catch(() => undefined);
    await src.call('lazy-end', [mg, 'finish'], { timeoutMs: 120_000 }).catch((err: unknown) => {
      if (!missing(err)) throw err;
    });
    await close('done');
    return { migrationId: mg, action: 'finished', runningOn: dest, message: `${cname} runs on ${dest}: the lazy move had got through; its stopped copy on ${source} was ended.` };
  }
  if (there) await dst.call('lazy-end', [mg, 'abort'], { timeoutMs: 60_000 }).catch(() => undefined);
  const back = await src
    .call('lazy-end', [mg, 'abort'], { timeoutMs: 120_000 })
    .then((r) => LazyEnd.parse(r))
    .catch((err: unknown) => (missing(err) ? null : Promise.reject(err)));
  const alive = back?.treeAlive ?? (await src.call('tree-check', [j.cid], { timeoutMs: 60_000 }).then((r) => TreeFacts.parse(r).alive).catch(() => false));
  await close(alive ? 'rolled-back' : 'failed');
  return alive
    ? { migrationId: mg, action: 'rolled-back', runningOn: source, message: `${cname} runs on ${source} again as process ${j.cid}: the lazy move had not got through, and its partial copy on ${dest} was stopped.` }
    : { migrationId: mg, action: 'nothing', runningOn: null, message: `${cname} runs on neither host: the lazy move had not got through and its tree is gone from ${source}. A lazy move keeps no checkpoint.` };
}
