import { z } from 'zod';
import { StasisError, toErrorShape } from '../../../shared/api/errors';
import { CheckpointMeta } from '../../../shared/domain/checkpoint';
import type { MigrateInput, MigrationPhase, MigrationPlan, MigrationResult, RecoveryResult } from '../../../shared/domain/migration';
import type { HelperClient } from '../helper-client';
import { TreeFacts, type Journal } from './helper-schemas';
import { expectedDowntimeMs } from './preflight';
import { moveTreeLazy } from './tree-lazy-move';
import { buildTreeChecks, chooseTreeStrategy } from './tree-preflight';

const TreeRestore = z.object({ checkpoint: z.string(), container: z.object({ runtime: z.literal('process'), id: z.string(), name: z.string() }) });

export interface TreeHelpers {
  srcHelper: HelperClient;
  dstHelper: HelperClient;
  src: TreeFacts;
  dst: TreeFacts;
}

export async function treeFacts(input: MigrateInput, helperFor: (id: string) => Promise<HelperClient>): Promise<TreeHelpers> {
  if (!/^[1-9][0-9]{0,9}$/.test(input.container)) throw new StasisError('bad-request', `"${input.container}" is not a process id: give the PID of the tree's root.`);
  const [srcHelper, dstHelper] = await Promise.all([helperFor(input.sourceHostId), helperFor(input.destHostId)]);
  const [src, dst] = await Promise.all([
    srcHelper.call('tree-check', [input.container], { timeoutMs: 60_000 }).then((r) => TreeFacts.parse(r)),
    dstHelper.call('tree-check', ['-'], { timeoutMs: 60_000 }).then((r) => TreeFacts.parse(r)),
  ]);
  return { srcHelper, dstHelper, src, dst };
}

export function treePlan(input: MigrateInput, f: TreeHelpers): MigrationPlan {
  const choice = chooseTreeStrategy(input.strategy, f.src, f.dst);
  const checks = [...buildTreeChecks({ source: input.sourceHostId, dest: input.destHostId, pid: input.container, src: f.src, dst: f.dst }), choice.check];
  return {
    sourceHostId: input.sourceHostId,
    destHostId: input.destHostId,
    runtime: 'process',
    container: { id: input.container, name: f.src.comm || 'process', image: '-' },
    ok: checks.every((c) => c.verdict === 'ok' || c.verdict === 'warn'),
    strategy: choice.strategy,
    strategyReason: choice.reason,
    expectedDowntimeMs: expectedDowntimeMs(choice.strategy, f.src.rss),
    memoryBytes: f.src.rss,
    checks,
  };
}

export interface TreeMoveContext {
  input: MigrateInput;
  operationId: string;
  migrationId: string;
  started: number;
  state: { cancelled: boolean; frozen: boolean; stop?: () => void };
  enter(p: MigrationPhase, message?: string): void;
  emit(bytes: number, totalBytes: number | null, message?: string): void;
  timings(): { phase: MigrationPhase; ms: number }[];
  /** Fault injection for the system tests: runs between the transfer's check and the destination's restore. */
  faults?: { beforeRestore?(checkpointId: string): Promise<void>; lazyPages?(cut: () => void): void };
}

/** What every tree move's result has from its context and plan; the caller adds what happened. */
export function treeResult(
  ctx: TreeMoveContext,
  plan: MigrationPlan,
  r: Pick<MigrationResult, 'runningOn' | 'rolledBack' | 'container' | 'downtimeMs' | 'bytes' | 'checkpointId' | 'destCheckpointId' | 'message'>,
): MigrationResult {
  return {
    operationId: ctx.operationId,
    migrationId: ctx.migrationId,
    strategy: plan.strategy,
    strategyReason: plan.strategyReason,
    totalMs: Date.now() - ctx.started,
    imageBytes: 0,
    digest: null,
    phases: ctx.timings().filter((t) => t.phase !== 'done'),
    preflight: plan.checks,
    ...r,
  };
}

/**
 * Streamed stop-and-copy of a process tree: `checkpoint process PID` dumps it into the source's store (CRIU stops
 * the tree; a failed dump leaves it running), `send` streams that checkpoint into the destination's `receive`, and
 * the destination's `restore` starts it (in a new PID namespace when its PIDs are taken there). Any failure after the
 * dump restores the tree on the source from the kept checkpoint, so it runs on exactly one host.
 */
export async function moveTree(ctx: TreeMoveContext, f: TreeHelpers): Promise<MigrationResult> {
  const { input, state } = ctx;
  const { sourceHostId: source, destHostId: dest } = input;
  const { srcHelper, dstHelper } = f;
  const plan = treePlan(input, f);
  if (!plan.ok) {
    const bad = plan.checks.filter((c) => c.verdict === 'fail');
    throw new StasisError('bad-request', `Preflight failed, nothing was stopped: ${bad.map((c) => `${c.label}: ${c.detail}${c.fix ? ` ${c.fix}` : ''}`).join(' ')}`);
  }
  if (state.cancelled) throw new StasisError('cancelled', 'The migration was cancelled before anything stopped.');
  if (plan.strategy === 'lazy') return moveTreeLazy(ctx, f, plan);
  const name = plan.container.name;
  // The journal on the source's store lets a later Stasis settle a move this one could not end (settleTreeCopy).
  const mg = ctx.migrationId;
  await srcHelper.call('journal', ['begin', mg, 'process', input.container, name, source, dest, name, 'stop-and-copy'], { timeoutMs: 30_000 });
  const journal = (phase: string, ck?: string) => srcHelper.call('journal', ['set', mg, phase, ...(ck ? [ck] : [])], { timeoutMs: 30_000 }).catch(() => undefined);
  await journal('frozen');

  ctx.enter('freeze');
  const frozenAt = Date.now();
  state.frozen = true;
  let meta: CheckpointMeta;
  try {
    meta = CheckpointMeta.parse(await srcHelper.call('checkpoint', ['process', input.container], { timeoutMs: 10 * 60_000 }));
  } catch (err) {
    // CRIU resumes the tree when its dump fails; say where it runs now from what the source shows.
    const runs = await srcHelper
      .call('tree-check', [input.container], { timeoutMs: 60_000 })
      .then((r) => TreeFacts.parse(r).alive)
      .catch(() => null);
    await journal(runs ? 'rolled-back' : 'failed');
    throw new StasisError(
      'operation-failed',
      `Checkpointing process ${input.container} on ${source} failed (${toErrorShape(err).message}). ${runs ? 'It still runs there; nothing moved.' : runs === false ? `It no longer runs there: if a checkpoint was stored, restore it with stasis restore ${source} CHECKPOINT (stasis ls ${source}).` : `Could not see whether it still runs on ${source}.`}`,
    );
  }
  const ck = meta.id;
  const noted = journal('dumped', ck);
  const fail = async (why: unknown, bytes: number) => {
    await noted;
    const r = await rollbackTree(ctx, f, { plan, ck, frozenAt, bytes, why });
    await journal(r.rolledBack ? 'rolled-back' : 'failed');
    return r;
  };

  // Stream the stored checkpoint; the destination checks and stores it as it lands.
  let wire = 0;
  const total = Math.max(meta.sizes.archive, 1);
  let received: CheckpointMeta;
  try {
    if (state.cancelled) throw new StasisError('cancelled', 'Cancelled.');
    const out = await srcHelper.open('send', [ck], { timeoutMs: 60 * 60_000 });
    state.stop = out.stop;
    ctx.enter('transfer');
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of out.bytes) {
        wire += chunk.length;
        ctx.emit(wire, total);
        yield chunk;
      }
    }
    received = CheckpointMeta.parse(await dstHelper.call('receive', [ck], { stdin: counted(), timeoutMs: 60 * 60_000 }));
    const ended = await out.exit;
    if (ended.code !== 0) throw new StasisError('operation-failed', `Sending checkpoint ${ck} from ${source} failed.`, ended.stderr.slice(0, 500));
    if (state.cancelled) throw new StasisError('cancelled', 'Cancelled.');
  } catch (err) {
    // The source's `send` only reads the stored checkpoint: stopping it changes nothing there.
    state.stop?.();
    return fail(err, wire);
  }

  ctx.enter('verify');
  // SSH checks every byte on both channels; the destination lists the archive before storing it. The sizes close the loop.
  if (received.sizes.archive !== meta.sizes.archive || received.container.runtime !== 'process') {
    await dstHelper.call('delete', [ck]).catch(() => undefined);
    return fail(new StasisError('corrupt-image', `The archive that arrived on ${dest} (${received.sizes.archive} bytes) differs from the one ${source} stored (${meta.sizes.archive} bytes).`), wire);
  }

  ctx.enter('restore');
  let restored: z.infer<typeof TreeRestore>;
  try {
    await ctx.faults?.beforeRestore?.(ck);
    restored = TreeRestore.parse(await dstHelper.call('restore', [ck], { timeoutMs: 10 * 60_000 }));
  } catch (err) {
    return fail(err, wire);
  }
  const downtimeMs = Date.now() - frozenAt;
  ctx.enter('confirm');
  const runs = await dstHelper
    .call('tree-check', [restored.container.id], { timeoutMs: 60_000 })
    .then((r) => TreeFacts.parse(r).alive)
    .catch(() => false);
  if (!runs) return fail(new StasisError('operation-failed', `${name} was restored on ${dest} as process ${restored.container.id} but does not run there.`), wire);
  await noted;
  await journal('done');
  ctx.enter('done');
  return treeResult(ctx, plan, {
    runningOn: dest,
    rolledBack: false,
    container: restored.container,
    downtimeMs,
    bytes: wire,
    checkpointId: ck,
    destCheckpointId: received.id,
    message: `${name} runs on ${dest} now as process ${restored.container.id}; checkpoint ${ck} is kept on ${source} and ${dest}.`,
  });
}

/** After the dump something failed: restore the tree on the source from its kept checkpoint. */
async function rollbackTree(
  ctx: TreeMoveContext,
  f: TreeHelpers,
  o: { plan: MigrationPlan; ck: MigrationResult['checkpointId'] & string; frozenAt: number; bytes: number; why: unknown },
): Promise<MigrationResult> {
  const reason = toErrorShape(o.why).message;
  const { sourceHostId: source } = ctx.input;
  ctx.enter('rollback', reason);
  let container = { runtime: 'process' as const, id: ctx.input.container, name: o.plan.container.name };
  let message: string;
  let runningOn: string = source;
  try {
    const r = TreeRestore.parse(await f.srcHelper.call('restore', [o.ck], { timeoutMs: 10 * 60_000 }));
    container = r.container;
    message = `${container.name} runs on ${source} again as process ${container.id}, restored from checkpoint ${o.ck} (kept).`;
  } catch (err) {
    runningOn = '';
    message = `${container.name} could not be restored on ${source} from checkpoint ${o.ck}, which is kept: ${toErrorShape(err).message} Restore it by hand: stasis restore ${source} ${o.ck}.`;
  }
  ctx.enter('done');
  return treeResult(ctx, o.plan, {
    runningOn: runningOn || source,
    rolledBack: runningOn === source,
    container,
    downtimeMs: Date.now() - o.frozenAt,
    bytes: o.bytes,
    checkpointId: o.ck,
    destCheckpointId: null,
    message: `The migration failed (${reason}). ${message}`,
  });
}

/**
 * Ends a stop-and-copy move of a process tree whose Stasis was killed (from its journal on the source). A stored
 * checkpoint means CRIU's dump succeeded and ended the tree on the source: if a restore of that checkpoint runs on the
 * destination the move got through; if not, the tree is restored on the source from it. Without a checkpoint nothing
 * was taken, and the tree runs on the source or nowhere.
 */
export async function settleTreeCopy(src: HelperClient, dstFor: () => Promise<HelperClient>, j: Journal): Promise<RecoveryResult> {
  const { id: mg, source, dest, cname, cid } = j;
  const close = (phase: string) => src.call('journal', ['set', mg, phase], { timeoutMs: 30_000 }).catch(() => undefined);
  // Killed during the dump, the journal never heard the checkpoint's id: the one of this PID stored since the move began.
  const ck =
    j.ckid ||
    z
      .array(CheckpointMeta)
      .parse(await src.call('list', [], { timeoutMs: 60_000 }))
      .filter((c) => c.container.runtime === 'process' && c.container.id === cid && c.created >= j.created)
      .sort((a, b) => b.created.localeCompare(a.created))[0]?.id;
  if (!ck) {
    const alive = await src.call('tree-check', [cid], { timeoutMs: 60_000 }).then((r) => TreeFacts.parse(r).alive);
    await close(alive ? 'rolled-back' : 'failed');
    return alive
      ? { migrationId: mg, action: 'nothing', runningOn: source, message: `${cname} still runs on ${source} as process ${cid}; nothing was moved.` }
      : { migrationId: mg, action: 'nothing', runningOn: null, message: `${cname} runs on neither host and no checkpoint of it was stored on ${source}. Start it again.` };
  }
  let there: boolean;
  try {
    const dst = await dstFor();
    there = TreeFacts.parse(await dst.call('tree-check', [`--from=${ck}`], { timeoutMs: 60_000 })).alive;
  } catch (err) {
    // The destination never stored the checkpoint: nothing of it can run there.
    if (toErrorShape(err).code !== 'not-found') {
      throw new StasisError('host-unreachable', `Cannot see on ${dest} whether the move of ${cname} got through (${toErrorShape(err).message}); Stasis does not restore it on ${source} until it can (it might then run twice). Try again when ${dest} answers.`);
    }
    there = false;
  }
  if (there) {
    await close('done');
    return { migrationId: mg, action: 'finished', runningOn: dest, message: `${cname} runs on ${dest}: the move had got through. Checkpoint ${ck} is kept on ${source}.` };
  }
  try {
    const r = TreeRestore.parse(await src.call('restore', [ck], { timeoutMs: 10 * 60_000 }));
    await close('rolled-back');
    return { migrationId: mg, action: 'rolled-back', runningOn: source, message: `${cname} runs on ${source} again as process ${r.container.id}, restored from checkpoint ${ck} (kept).` };
  } catch (err) {
    await close('failed');
    throw new StasisError('operation-failed', `${cname} could not be restored on ${source} from checkpoint ${ck}, which is kept: ${toErrorShape(err).message} Restore it by hand: stasis restore ${source} ${ck}.`);
  }
}
