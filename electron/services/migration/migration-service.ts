import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { StasisError, toErrorShape } from '../../../shared/api/errors';
import type { EmitEvent } from '../../../shared/api/dispatch';
import type { HostFailure } from '../../../shared/domain/container';
import type {
  InterruptedMigration,
  MigrateInput,
  MigrationPhase,
  MigrationPlan,
  MigrationResult,
  PreflightCheck,
  RecoveryResult,
} from '../../../shared/domain/migration';
import { parseHelperPs } from '../container-list';
import type { HelperClient } from '../helper-client';
import { Journal, MigrateIn } from './helper-schemas';
import { DestFacts, SourceFacts, buildChecks, chooseStrategy, expectedDowntimeMs, lostProcessesCheck } from './preflight';
import { checkContainerProcesses } from '../lost-processes';
import type { ProcessCheck } from '../../../shared/domain/processes';
import { moveTree, settleTreeCopy, treeFacts, treePlan } from './tree-migration';
import { settleLazyTree } from './tree-lazy-move';
import type { CommandRunner } from '../command-runner';
import { chooseWireCompression, compressionCheck, measureLink, type WireChoice } from './wire-compression';

export interface MigrationServiceDeps {
  helperFor(hostId: string): Promise<HelperClient>;
  hostIds(): Promise<string[]>;
  /** Plain commands as the login user, for measuring the link's rate (compression on the wire); without it, never compressed. */
  runnerFor?(hostId: string): Promise<CommandRunner>;
  emit?: EmitEvent;
  /** Fault injection for the system tests: runs between the transfer's verification and the destination's restore. */
  faults?: { beforeRestore?(checkpointId: string): Promise<void>; lazyPages?(cut: () => void): void };
}

const HelperRestore = z.object({ checkpoint: z.string(), container: z.object({ runtime: z.enum(['podman', 'docker', 'process']), id: z.string(), name: z.string() }) });
const OPEN_PHASES = new Set(['begin', 'frozen', 'dumped', 'restored']);
const PROGRESS_EVERY_MS = 100;

function stamp(): string {
  return new Date().toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
}
export function newMigrationId(): string {
  return `mg-${stamp()}-${randomBytes(4).toString('hex')}`;
}
function newCheckpointId(): string {
  return `ck-${stamp()}-${randomBytes(4).toString('hex')}`;
}

interface Running {
  cancelled: boolean;
  frozen: boolean;
  stop?: () => void;
}

/** Migrations between hosts: preflight, the streamed move, cancel, and recovery of interrupted ones from their journals. */
export class MigrationService {
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: MigrationServiceDeps) {}

  private async facts(
    input: MigrateInput,
  ): Promise<{ src: SourceFacts; dst: DestFacts; srcHelper: HelperClient; dstHelper: HelperClient; lost: ProcessCheck | null }> {
    if (input.sourceHostId === input.destHostId) throw new StasisError('bad-request', 'The source and destination are the same host. Pick another destination.');
    if (input.runtime !== 'podman') {
      throw new StasisError(
        'not-supported',
        input.runtime === 'docker'
          ? 'Docker containers cannot be migrated by Stasis: Docker restores a checkpoint only into a container it created itself on that host, and only from its own checkpoint directory. Checkpoint it, then create and start the container on the other host with docker start --checkpoint.'
          : 'Migrating plain process trees is not built yet; checkpoint the tree and restore it on the other host (stasis checkpoint / stasis restore).',
      );
    }
    const [srcHelper, dstHelper] = await Promise.all([this.deps.helperFor(input.sourceHostId), this.deps.helperFor(input.destHostId)]);
    const src = SourceFacts.parse(await srcHelper.call('migrate-check', ['source', 'podman', input.container], { timeoutMs: 60_000 }));
    const destName = input.name ?? src.name;
    const dst = DestFacts.parse(
      await dstHelper.call('migrate-check', ['dest', 'podman', src.image === '-' ? 'none' : src.image, destName, src.cpuinfo || '-'], { timeoutMs: 60_000 }),
    );
    // Processes started with exec do not move: the preflight names them. A failed listing only warns that it could not tell.
    const lost = await checkContainerProcesses(srcHelper, 'podman', input.container).then((c) => c ?? null, () => null);
    return { src, dst, srcHelper, dstHelper, lost };
  }

  async check(input: MigrateInput): Promise<MigrationPlan> {
    if (input.runtime === 'process' && input.sourceHostId !== input.destHostId) return treePlan(input, await treeFacts(input, (h) => this.deps.helperFor(h)));
    const { src, dst, lost } = await this.facts(input);
    return this.plan(input, src, dst, lost);
  }

  private plan(input: MigrateInput, src: SourceFacts, dst: DestFacts, lost: ProcessCheck | null): MigrationPlan {
    const choice = chooseStrategy(input.strategy, input.runtime, src, dst);
    const checks: PreflightCheck[] = [
      ...buildChecks({ source: input.sourceHostId, dest: input.destHostId, destName: input.name ?? src.name, src, dst, copyImage: input.copyImage }),
      lostProcessesCheck(lost, input.sourceHostId, input.destHostId),
      compressionCheck(chooseWireCompression(src, dst, null)),
      choice.check,
    ];
    return {
      sourceHostId: input.sourceHostId,
      destHostId: input.destHostId,
      runtime: input.runtime,
      container: { id: src.id, name: src.name, image: src.image },
      ok: checks.every((c) => c.verdict === 'ok' || c.verdict === 'warn' || (c.verdict === 'fixable' && input.copyImage)),
      strategy: choice.strategy,
      strategyReason: choice.reason,
      expectedDowntimeMs: expectedDowntimeMs(choice.strategy, src.rss),
      memoryBytes: src.rss,
      checks,
    };
  }

  async start(input: MigrateInput): Promise<MigrationResult> {
    const operationId = input.operationId ?? `op-${randomBytes(8).toString('hex')}`;
    if (this.running.has(operationId)) throw new StasisError('busy', `Operation ${operationId} is already running.`);
    const state: Running = { cancelled: false, frozen: false };
    this.running.set(operationId, state);
    try {
      return await this.move(input, operationId, state);
    } finally {
      this.running.delete(operationId);
    }
  }

  async cancel(operationId: string): Promise<{ cancelled: boolean }> {
    const r = this.running.get(operationId);
    if (!r) throw new StasisError('not-found', `No running migration ${operationId}: it may have finished already.`);
    r.cancelled = true;
    // After the freeze the transfer is cut; the move then rolls back onto the source.
    if (r.frozen) r.stop?.();
    return { cancelled: true };
  }

  private async move(input: MigrateInput, operationId: string, state: Running): Promise<MigrationResult> {
    const started = Date.now();
    const { sourceHostId: source, destHostId: dest } = input;
    const timings: { phase: MigrationPhase; ms: number }[] = [];
    let phaseStart = started;
    let phase: MigrationPhase = 'preflight';
    let lastEmit = 0;
    const emit = (bytes: number, totalBytes: number | null, message?: string) => {
      // Byte counts arrive once per chunk (thousands a second); each event is validated and shown, so a few a second.
      const now = Date.now();
      if (bytes > 0 && !message && now - lastEmit < PROGRESS_EVERY_MS) return;
      lastEmit = now;
      const elapsed = now - phaseStart;
      const rate = elapsed > 0 ? (bytes / elapsed) * 1000 : 0;
      this.deps.emit?.('migrationProgress', {
        operationId,
        sourceHostId: source,
        destHostId: dest,
        phase,
        bytes,
        totalBytes,
        bytesPerSecond: Math.round(rate),
        etaMs: totalBytes && rate > 0 ? Math.max(0, Math.round(((totalBytes - bytes) / rate) * 1000)) : null,
        elapsedMs: Date.now() - started,
        ...(message ? { message } : {}),
      });
      this.deps.emit?.('operationProgress', { operationId, hostId: source, kind: 'migrate', phase, bytes, elapsedMs: Date.now() - started });
    };
    const enter = (p: MigrationPhase, message?: string) => {
      const now = Date.now();
      timings.push({ phase, ms: now - phaseStart });
      phase = p;
      phaseStart = now;
      emit(0, null, message);
    };
    emit(0, null);

    if (input.runtime === 'process' && source !== dest) {
      // Process trees keep a journal too (settleTreeCopy and settleLazyTree end an interrupted one).
      const f = await treeFacts(input, (h) => this.deps.helperFor(h));
      return moveTree({ input, operationId, migrationId: newMigrationId(), started, state, enter, emit, timings: () => timings, faults: this.deps.faults }, f);
    }
    const { src, dst, srcHelper, dstHelper, lost } = await this.facts(input);
    const plan = this.plan(input, src, dst, lost);
    if (!plan.ok) {
      const bad = plan.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'fixable');
      throw new StasisError(
        'bad-request',
        `Preflight failed, nothing was stopped: ${bad.map((c) => `${c.label}: ${c.detail}${c.fix ? ` ${c.fix}` : ''}`).join(' ')}`,
      );
    }
    let imageBytes = 0;
    if (plan.checks.some((c) => c.id === 'image' && c.verdict === 'fixable')) {
      // Before the freeze: a failure here stops nothing.
      enter('image-copy', `copying ${src.image} to ${dest}`);
      const img = await srcHelper.open('image-out', [src.image], { timeoutMs: 60 * 60_000 });
      async function* counted(): AsyncGenerator<Uint8Array> {
        for await (const chunk of img.bytes) {
          imageBytes += chunk.length;
          emit(imageBytes, null);
          yield chunk;
        }
      }
      await dstHelper.call('image-in', [], { stdin: counted(), timeoutMs: 60 * 60_000 });
      const ended = await img.exit;
      if (ended.code !== 0) throw new StasisError('operation-failed', `Copying the image ${src.image} from ${source} failed; nothing was stopped.`, ended.stderr.slice(0, 500));
    }
    const wire = await this.wireChoice(src, dst, source, dest);
    plan.checks = plan.checks.map((c) => (c.id === 'compression' ? compressionCheck(wire) : c));
    if (state.cancelled) throw new StasisError('cancelled', 'The migration was cancelled before anything stopped.');
    const destName = input.name ?? src.name;
    const migrationId = newMigrationId();
    const ck = newCheckpointId();
    const journal = Journal.parse(
      await srcHelper.call('journal', ['begin', migrationId, 'podman', src.id, src.name, source, dest, destName], { timeoutMs: 30_000 }),
    );
    const lineage = journal.lineage || ck;

    // Freeze → transfer: the source dumps straight into the stream while the destination stores, hashes and lists it.
    enter('freeze', wire.detail);
    const frozenAt = Date.now();
    state.frozen = true;
    const out = await srcHelper.open('migrate-out', [migrationId, ck, 'podman', src.id, wire.codec], { timeoutMs: 60 * 60_000 });
    state.stop = out.stop;
    let wireBytes = 0;
    let firstByte = true;
    const total = Math.max(src.rss, 1);
    // Asked for as soon as the last byte left the source, while the destination still finishes its copy.
    let sourceJournal: Promise<Journal> | undefined;
    const askSource = () => (sourceJournal ??= this.journalWhenHashed(srcHelper, migrationId));
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of out.bytes) {
        if (firstByte) {
          firstByte = false;
          enter('transfer');
        }
        wireBytes += chunk.length;
        emit(wireBytes, total);
        yield chunk;
      }
      void askSource().catch(() => undefined);
    }
    let received: z.infer<typeof MigrateIn> | undefined;
    let failure: unknown;
    try {
      received = MigrateIn.parse(
        await dstHelper.call('migrate-in', [migrationId, ck, 'podman', src.id, src.name, src.image, lineage, wire.codec], { stdin: counted(), timeoutMs: 60 * 60_000 }),
      );
    } catch (err) {
      failure = err;
    }
    if (!received || state.cancelled) {
      out.stop();
      return this.rollback({ input, operationId, migrationId, ck, src, started, frozenAt, timings, enter, wire: wireBytes, plan, why: state.cancelled ? new StasisError('cancelled', 'Cancelled.') : failure });
    }

    // End to end: the digest the source computed as the archive left, against the one the destination computed as it landed.
    enter('verify');
    const j = await askSource();
    if (!j.digest || j.digest !== received.digest || Number(j.bytes) !== received.bytes) {
      await dstHelper.call('delete', [ck]).catch(() => undefined);
      return this.rollback({
        input, operationId, migrationId, ck, src, started, frozenAt, timings, enter, wire: wireBytes, plan,
        why: new StasisError('corrupt-image', `The archive that arrived on ${dest} (${received.bytes} bytes) differs from the one ${source} sent (${j.bytes ?? '?'} bytes): its checksum does not match.`),
      });
    }

    enter('restore');
    await this.deps.faults?.beforeRestore?.(ck);
    let restored: z.infer<typeof HelperRestore>;
    try {
      restored = HelperRestore.parse(await dstHelper.call('restore', [ck, ...(input.name ? [`--name=${input.name}`] : [])], { timeoutMs: 10 * 60_000 }));
    } catch (err) {
      return this.rollback({ input, operationId, migrationId, ck, src, started, frozenAt, timings, enter, wire: wireBytes, plan, why: err });
    }
    // Running on the destination: podman's restore returns once the restored tasks run.
    const downtimeMs = Date.now() - frozenAt;
    enter('confirm');
    const runs = await this.runsOn(dstHelper, dest, destName).catch(() => false);
    if (!runs) {
      return this.rollback({ input, operationId, migrationId, ck, src, started, frozenAt, timings, enter, wire: wireBytes, plan, why: new StasisError('operation-failed', `${destName} was restored on ${dest} but is not running there.`) });
    }
    await srcHelper.call('journal', ['set', migrationId, 'restored']).catch(() => undefined);

    enter('stop-source');
    let sourceNote = ' The stopped container is kept on the source (--keep-source).';
    if (!input.keepSource) {
      sourceNote = '';
      await srcHelper.call('container', ['remove', 'podman', src.id], { timeoutMs: 60_000 }).catch((err: unknown) => {
        sourceNote = ` The stopped container on ${source} could not be removed (${toErrorShape(err).message}); remove it by hand.`;
      });
    }
    await srcHelper.call('journal', ['set', migrationId, 'done']).catch(() => undefined);
    enter('done');
    return {
      operationId,
      migrationId,
      strategy: plan.strategy,
      strategyReason: plan.strategyReason,
      runningOn: dest,
      rolledBack: false,
      container: restored.container,
      downtimeMs,
      totalMs: Date.now() - started,
      bytes: wireBytes,
      imageBytes,
      checkpointId: ck,
      destCheckpointId: received.meta.id as MigrationResult['destCheckpointId'],
      digest: received.digest,
      phases: timings.filter((t) => t.phase !== 'done'),
      preflight: plan.checks,
      message: `${destName} runs on ${dest} now; checkpoint ${ck} is kept on ${source} and ${dest}.${sourceNote} ${wire.detail}`,
    };
  }

  /** Compression on the wire: from the memory sample, and when that says it could pay, from the link's measured rate. */
  private async wireChoice(src: SourceFacts, dst: DestFacts, source: string, dest: string): Promise<WireChoice> {
    const first = chooseWireCompression(src, dst, null);
    if (!first.needsLinkRate) return first;
    const rate = this.deps.runnerFor ? await measureLink(await this.deps.runnerFor(source), await this.deps.runnerFor(dest)) : null;
    if (rate === null) return { codec: 'none', detail: `Sent as is: the link's rate could not be measured. ${first.detail}`, needsLinkRate: false };
    return chooseWireCompression(src, dst, rate);
  }

  /** The source helper writes the digest right after the last byte left; wait for it briefly. */
  private async journalWhenHashed(helper: HelperClient, id: string): Promise<Journal> {
    for (let i = 0; ; i++) {
      const j = Journal.parse(await helper.call('journal', ['get', id], { timeoutMs: 30_000 }));
      if (j.digest || j.phase === 'failed' || i >= 50) return j;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async runsOn(helper: HelperClient, hostId: string, name: string): Promise<boolean> {
    const list = parseHelperPs(hostId, await helper.call('ps', [], { timeoutMs: 60_000 }));
    return list.some((c) => c.runtime === 'podman' && c.name === name && c.state === 'running');
  }

  /**
   * After the freeze something failed: make sure the container runs on exactly one host. If the destination runs it
   * after all, that is the outcome; otherwise whatever the failed restore left there goes and the source's stored
   * checkpoint is restored in place.
   */
  private async rollback(o: {
    input: MigrateInput;
    operationId: string;
    migrationId: string;
    ck: string;
    src: SourceFacts;
    started: number;
    frozenAt: number;
    timings: { phase: MigrationPhase; ms: number }[];
    enter: (p: MigrationPhase, message?: string) => void;
    wire: number;
    plan: MigrationPlan;
    why: unknown;
  }): Promise<MigrationResult> {
    const reason = toErrorShape(o.why).message;
    o.enter('rollback', reason);
    const r = await this.settle(o.input.sourceHostId, o.migrationId);
    o.enter('done');
    const runsOnSource = r.runningOn === o.input.sourceHostId;
    return {
      operationId: o.operationId,
      migrationId: o.migrationId,
      strategy: o.plan.strategy,
      strategyReason: o.plan.strategyReason,
      runningOn: r.runningOn ?? o.input.sourceHostId,
      rolledBack: runsOnSource,
      container: { runtime: 'podman', id: o.src.id, name: o.src.name },
      downtimeMs: Date.now() - o.frozenAt,
      totalMs: Date.now() - o.started,
      bytes: o.wire,
      imageBytes: 0,
      checkpointId: o.ck as MigrationResult['checkpointId'],
      destCheckpointId: null,
      digest: null,
      phases: o.timings.filter((t) => t.phase !== 'done'),
      preflight: o.plan.checks,
      message: `The migration failed (${reason}). ${r.message}`,
    };
  }

  /** Brings one journal to an end from what the hosts show now: finished on the destination, or back on the source. */
  private async settle(sourceHostId: string, migrationId: string): Promise<RecoveryResult> {
    const srcHelper = await this.deps.helperFor(sourceHostId);
    let j = Journal.parse(await srcHelper.call('journal', ['get', migrationId], { timeoutMs: 30_000 }));
    // A migrate-out just started may not have marked itself live yet, and then freezes the container after all: a
    // journal still at 'begin' gets a few seconds to show a live helper before the hosts are judged.
    for (let i = 0; j.phase === 'begin' && !j.live && i < 15; i++) {
      await new Promise((r) => setTimeout(r, 200));
      j = Journal.parse(await srcHelper.call('journal', ['get', migrationId], { timeoutMs: 30_000 }));
    }
    // The source helper stores its checkpoint after the last byte went out; a rollback needs it stored.
    for (let i = 0; j.live && i < 600; i++) {
      await new Promise((r) => setTimeout(r, 200));
      j = Journal.parse(await srcHelper.call('journal', ['get', migrationId], { timeoutMs: 30_000 }));
    }
    if (j.live) throw new StasisError('busy', `Migration ${migrationId} is still storing its checkpoint on ${sourceHostId}; try again in a minute.`);
    if (j.runtime === 'process') {
      return j.strategy === 'stop-and-copy' ? settleTreeCopy(srcHelper, () => this.deps.helperFor(j.dest), j) : settleLazyTree(srcHelper, await this.deps.helperFor(j.dest), j);
    }
    const dstRuns = await this.deps
      .helperFor(j.dest)
      .then((h) => this.runsOn(h, j.dest, j.dname))
      .catch(() => null);
    const srcRuns = await this.runsOn(srcHelper, sourceHostId, j.cname);
    const close = (phase: string) => srcHelper.call('journal', ['set', migrationId, phase]).catch(() => undefined);
    if (dstRuns) {
      await close('done');
      return {
        migrationId,
        action: srcRuns ? 'nothing' : 'finished',
        runningOn: j.dest,
        message: srcRuns
          ? `${j.dname} runs on ${j.dest}, and ${j.cname} also runs on ${sourceHostId}: stop one of them.`
          : `${j.dname} runs on ${j.dest}: the migration is complete. The stopped container on ${sourceHostId} was left in place.`,
      };
    }
    if (srcRuns) {
      await close('rolled-back');
      return { migrationId, action: 'nothing', runningOn: sourceHostId, message: `${j.cname} still runs on ${sourceHostId}; nothing moved.` };
    }
    if (dstRuns === null) {
      throw new StasisError('host-unreachable', `Cannot reach ${j.dest} to see whether ${j.dname} runs there, so Stasis does not restore it on ${sourceHostId} (it might then run twice). Try again when ${j.dest} answers.`);
    }
    if (!j.ckid || !['dumped', 'restored', 'frozen'].includes(j.phase)) {
      await close('failed');
      return { migrationId, action: 'nothing', runningOn: null, message: `${j.cname} does not run on either host and no checkpoint was stored (${j.phase}). Start it again on ${sourceHostId}.` };
    }
    // Whatever a failed restore left on the destination (a created, not running, container) must not hold the name.
    const dstHelper = await this.deps.helperFor(j.dest);
    const leftover = parseHelperPs(j.dest, await dstHelper.call('ps', [], { timeoutMs: 60_000 })).find((c) => c.runtime === 'podman' && c.name === j.dname);
    if (leftover && leftover.state !== 'running') await dstHelper.call('container', ['remove', 'podman', leftover.id]).catch(() => undefined);
    try {
      await srcHelper.call('restore', [j.ckid], { timeoutMs: 10 * 60_000 });
    } catch (err) {
      await close('failed');
      throw new StasisError('operation-failed', `${j.cname} could not be restored on ${sourceHostId} from checkpoint ${j.ckid}, which is kept: ${toErrorShape(err).message} Restore it by hand: stasis restore ${sourceHostId} ${j.ckid}.`);
    }
    await close('rolled-back');
    return { migrationId, action: 'rolled-back', runningOn: sourceHostId, message: `${j.cname} runs on ${sourceHostId} again, restored from checkpoint ${j.ckid} (kept).` };
  }

  async interrupted(hostId?: string): Promise<{ migrations: InterruptedMigration[]; errors: HostFailure[] }> {
    const hosts = hostId ? [hostId] : await this.deps.hostIds();
    const migrations: InterruptedMigration[] = [];
    const errors: HostFailure[] = [];
    await Promise.all(
      hosts.map(async (h) => {
        try {
          const helper = await this.deps.helperFor(h);
          const list = z.array(Journal).parse(await helper.call('journal', ['list'], { timeoutMs: 60_000 }));
          for (const j of list) {
            // A live one is still being stored by its helper, maybe for another Stasis that is still moving it: not ours to settle.
            if (!OPEN_PHASES.has(j.phase) || j.live) continue;
            migrations.push({
              migrationId: j.id,
              sourceHostId: h,
              destHostId: j.dest,
              runtime: j.runtime,
              container: j.cname,
              destName: j.dname,
              phase: j.phase,
              checkpointId: j.ckid || null,
              started: j.created,
            });
          }
        } catch (err) {
          if (hostId) throw err;
          const e = toErrorShape(err);
          errors.push({ host: h, code: e.code, message: e.message });
        }
      }),
    );
    return { migrations, errors };
  }

  async recover(hostId: string, migrationId: string): Promise<RecoveryResult> {
    return this.settle(hostId, migrationId);
  }
}
