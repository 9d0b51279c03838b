import { randomBytes } from 'node:crypto';
import { StasisError, toErrorShape } from '../../shared/api/errors';
import type { EmitEvent } from '../../shared/api/dispatch';
import {
  type Checkpoint,
  CheckpointId,
  type CheckpointMeta,
  type CheckpointDetail,
  type CheckpointOptions,
  type OperationProgress,
  type RestoreOptions,
  type RestoreResult,
} from '../../shared/domain/checkpoint';
import type { ContainerList, ContainerSummary, HostFailure, Runtime } from '../../shared/domain/container';
import { parseHelperPs } from './container-list';
import type { HelperClient } from './helper-client';
import { HELPER_VERBS, callVerb, parseStats } from './helper-verbs';
import { checkContainerProcesses, lostProcessesError } from './lost-processes';
import { formatLeftOut } from '../../shared/domain/processes';

export interface CheckpointServiceDeps {
  helperFor(hostId: string): Promise<HelperClient>;
  /** Every host the lists cover when none is named. */
  hostIds(): Promise<string[]>;
  emit?: EmitEvent;
  /** Told of each checkpoint made (after retention), to prepare it in the background; errors are its own. */
  made?(hostId: string, checkpointId: string): void;
}

export function newOperationId(): string {
  return `op-${randomBytes(8).toString('hex')}`;
}

function failure(host: string, err: unknown): HostFailure {
  const e = toErrorShape(err);
  return { host, code: e.code, message: e.message, ...(e.detail ? { detail: e.detail } : {}) };
}

/** Checkpoints, restores and the lists: helper verbs on the right host, progress as events, cancel by id. */
export class CheckpointService {
  private readonly running = new Map<string, { hostId: string }>();

  /** Whether a checkpoint or restore of this service runs on the host now (background work waits for it). */
  busy(hostId: string): boolean {
    return [...this.running.values()].some((o) => o.hostId === hostId);
  }
  /** Copies under way (checkpoints.copy): cancelling one ends the sender, and the receiver then drops what it had. */
  private readonly copies = new Map<string, () => void>();

  constructor(private readonly deps: CheckpointServiceDeps) {}

  private progress(operationId: string, hostId: string, kind: OperationProgress['kind'], started: number) {
    return (p: { phase: string; bytes: number }) =>
      this.deps.emit?.('operationProgress', { operationId, hostId, kind, phase: p.phase, bytes: p.bytes, elapsedMs: Date.now() - started });
  }

  private async track<T>(operationId: string, hostId: string, work: () => Promise<T>): Promise<T> {
    if (this.running.has(operationId)) throw new StasisError('busy', `Operation ${operationId} is already running.`);
    this.running.set(operationId, { hostId });
    try {
      return await work();
    } finally {
      this.running.delete(operationId);
    }
  }

  async create(input: {
    hostId: string;
    runtime: Runtime;
    container: string;
    options: CheckpointOptions;
    operationId?: string;
    allowLostProcesses?: boolean;
  }): Promise<Checkpoint> {
    const operationId = input.operationId ?? newOperationId();
    const verbInput: { runtime: Runtime; container: string; options: CheckpointOptions; operationId: string; leftOut?: string } = {
      runtime: input.runtime,
      container: input.container,
      options: input.options,
      operationId,
    };
    // Options a runtime cannot honour are refused before anything runs on the host.
    HELPER_VERBS.checkpoint.args(verbInput);
    const helper = await this.deps.helperFor(input.hostId);
    // CRIU leaves out processes started with exec without a word: refuse unless the caller has asked the user,
    // and when allowed, the stored record says which were left out.
    const check = await checkContainerProcesses(helper, input.runtime, input.container);
    if (check?.lost.length) {
      if (!input.allowLostProcesses) throw lostProcessesError(check, 'Checkpoint anyway only if you can do without them.');
      verbInput.leftOut = formatLeftOut(check.lost);
    }
    const started = Date.now();
    const onProgress = this.progress(operationId, input.hostId, 'checkpoint', started);
    return this.track(operationId, input.hostId, async () => {
      const meta = await callVerb(helper, 'checkpoint', verbInput, { onProgress });
      if (input.options.keepLast) await this.retain(helper, meta, input.options.keepLast);
      onProgress({ phase: 'done', bytes: meta.sizes.archive });
      this.deps.made?.(input.hostId, meta.id);
      return { ...meta, hostId: input.hostId };
    });
  }

  /**
   * Retention, decided here rather than as root: keep the newest `keep` checkpoints of the container `made` was
   * taken from (oldest go first; `made` itself never), deleting the others one by one through the helper.
   */
  private async retain(helper: HelperClient, made: CheckpointMeta, keep: number): Promise<void> {
    const same = (await callVerb(helper, 'list', undefined)).filter(
      (m) => m.container.runtime === made.container.runtime && m.container.id === made.container.id && m.id !== made.id,
    );
    same.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.id < b.id ? -1 : 1));
    for (const old of same.slice(0, Math.max(0, same.length + 1 - keep))) await callVerb(helper, 'delete', old.id);
  }

  async restore(input: { hostId: string; checkpointId: string; options: RestoreOptions; operationId?: string }): Promise<RestoreResult> {
    const operationId = input.operationId ?? newOperationId();
    const helper = await this.deps.helperFor(input.hostId);
    const started = Date.now();
    const onProgress = this.progress(operationId, input.hostId, 'restore', started);
    return this.track(operationId, input.hostId, async () => {
      const r = await callVerb(helper, 'restore', { checkpointId: input.checkpointId, options: input.options, operationId }, { onProgress });
      onProgress({ phase: 'done', bytes: 0 });
      return { hostId: input.hostId, ...r };
    });
  }

  /**
   * Copies a stored checkpoint to another host so it can be restored there: the source's `send` (a tar stream of the
   * checkpoint dir) goes straight into the destination's `receive` with backpressure, never staged whole in the
   * middle. The destination treats every byte as the sender's word (see verb_receive) and the copy belongs to the
   * caller there. The source keeps its checkpoint. Progress: kind `restore`, phase `copy`, bytes sent so far.
   */
  async copy(input: { fromHostId: string; checkpointId: string; toHostId: string; operationId?: string }): Promise<Checkpoint> {
    if (input.fromHostId === input.toHostId) {
      throw new StasisError('bad-request', `Checkpoint ${input.checkpointId} is already on ${input.toHostId}: pick another host to copy it to.`);
    }
    const operationId = input.operationId ?? newOperationId();
    const [src, dst] = await Promise.all([this.deps.helperFor(input.fromHostId), this.deps.helperFor(input.toHostId)]);
    const onProgress = this.progress(operationId, input.toHostId, 'restore', Date.now());
    onProgress({ phase: 'copy', bytes: 0 });
    if (this.copies.has(operationId) || this.running.has(operationId)) throw new StasisError('busy', `Operation ${operationId} is already running.`);
    const sent = await src.stream('send', [CheckpointId.parse(input.checkpointId)], { timeoutMs: 60 * 60_000 });
    let cancelled = false;
    this.copies.set(operationId, () => {
      cancelled = true;
      sent.stop();
    });
    let bytes = 0;
    let lastEmit = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of sent.bytes) {
        bytes += chunk.length;
        // One event per ~4 MiB is plenty for a progress bar.
        if (bytes - lastEmit >= 4 * 1024 * 1024) {
          lastEmit = bytes;
          onProgress({ phase: 'copy', bytes });
        }
        yield chunk;
      }
    }
    try {
      const meta = await callVerb(dst, 'receive', input.checkpointId, { stdin: counted() });
      onProgress({ phase: 'done', bytes });
      return { ...meta, hostId: input.toHostId };
    } catch (err) {
      if (cancelled) throw new StasisError('cancelled', `The copy of ${input.checkpointId} to ${input.toHostId} was cancelled; ${input.fromHostId} still has it.`);
      throw err;
    } finally {
      this.copies.delete(operationId);
      // The receiver refused or broke off: the sender has nobody to write to.
      sent.stop();
    }
  }

  async cancel(operationId: string): Promise<{ cancelled: boolean }> {
    const copy = this.copies.get(operationId);
    if (copy) {
      copy();
      return { cancelled: true };
    }
    const op = this.running.get(operationId);
    if (!op) throw new StasisError('not-found', `No running operation ${operationId}: it may have finished already.`);
    const helper = await this.deps.helperFor(op.hostId);
    await callVerb(helper, 'cancel', operationId);
    return { cancelled: true };
  }

  private async eachHost<T>(hostId: string | undefined, one: (h: string) => Promise<T[]>): Promise<{ items: T[]; errors: HostFailure[] }> {
    const hosts = hostId ? [hostId] : await this.deps.hostIds();
    const settled = await Promise.allSettled(hosts.map((h) => one(h)));
    const items: T[] = [];
    const errors: HostFailure[] = [];
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') items.push(...s.value);
      else if (hostId) throw s.reason;
      else errors.push(failure(hosts[i]!, s.reason));
    });
    return { items, errors };
  }

  async containers(hostId?: string): Promise<ContainerList> {
    const { items, errors } = await this.eachHost<ContainerSummary>(hostId, async (h) => {
      const helper = await this.deps.helperFor(h);
      return parseHelperPs(h, await callVerb(helper, 'ps', undefined));
    });
    return { containers: items, errors };
  }

  async list(hostId?: string): Promise<{ checkpoints: Checkpoint[]; errors: HostFailure[] }> {
    const { items, errors } = await this.eachHost<Checkpoint>(hostId, async (h) => {
      const helper = await this.deps.helperFor(h);
      const metas = await callVerb(helper, 'list', undefined);
      return metas.map((m) => ({ ...m, hostId: h }));
    });
    items.sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : a.id < b.id ? 1 : -1));
    return { checkpoints: items, errors };
  }

  async delete(hostId: string, checkpointId: string): Promise<{ deleted: string }> {
    const helper = await this.deps.helperFor(hostId);
    return callVerb(helper, 'delete', checkpointId);
  }

  async inspect(hostId: string, checkpointId: string): Promise<CheckpointDetail> {
    const helper = await this.deps.helperFor(hostId);
    const r = await callVerb(helper, 'inspect', checkpointId);
    return { checkpoint: { ...r.meta, hostId }, stats: parseStats(r.statsB64), files: r.files };
  }
}
