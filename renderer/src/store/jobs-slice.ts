import type { Checkpoint, CheckpointOptions, RestoreOptions, RestoreResult } from '../../../shared/domain/checkpoint';
import type { Runtime } from '../../../shared/domain/container';
import type { MigrateInput, MigrationPlan, MigrationResult } from '../../../shared/domain/migration';
import { formatBytes, formatDuration, hostLabel } from '../format';
import { toProblem, type Outcome, type Problem } from './messages';
import type { SliceCreator } from './types';

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

/**
 * One operation the user started: a checkpoint, restore, delete, migration — any kind. The jobs page, the sidebar
 * badge and the host pages read these; progress events find their job by operation id.
 */
export interface Job {
  id: string;
  /** checkpoint, restore, delete, migrate, … (open: a new kind needs no change here). */
  kind: string;
  hostId: string;
  /** "Checkpoint of web on stasis-a". */
  title: string;
  /** The container the job is about, and its lineage when known (for the timeline). */
  subject?: string;
  lineage?: string;
  state: JobState;
  startedAt: number;
  endedAt?: number;
  phase?: string;
  bytes?: number;
  /** What the bytes should add up to, when known (the last checkpoint's size, the archive to restore). */
  expectedBytes?: number;
  /** The main side's own estimate, when it sends one (migration does). */
  etaMs?: number;
  summary?: string;
  problem?: Problem;
  /** What happened, line by line: phases as they came, then the outcome with the helper's detail. */
  log: string[];
  /**
   * The helper's own words, as they came: every progress line (elapsed, phase, bytes), then the final error's code,
   * message and detail (for runtime failures, the runtime's last lines the helper passed on). Bounded: see
   * HELPER_LOG_LINES; `helperLogDropped` counts the oldest lines let go.
   */
  helperLog: string[];
  helperLogDropped?: number;
  cancellable: boolean;
  cancelRequested?: boolean;
}

/** A progress report of any kind of operation (operationProgress, migrationProgress, …). */
export interface ProgressReport {
  operationId: string;
  hostId?: string;
  kind?: string;
  phase: string;
  bytes?: number;
  elapsedMs?: number;
  totalBytes?: number;
  etaMs?: number;
  /** The operation's own words with this report (a migration's "copying IMAGE to HOST"), for the helper log. */
  message?: string;
}

export interface JobSpec {
  kind: string;
  hostId: string;
  title: string;
  subject?: string;
  lineage?: string;
  expectedBytes?: number;
  /** How to cancel it once started; without one, the job has no Cancel button. */
  cancel?: (operationId: string) => Promise<unknown>;
}

/** What a "Migrate…" dialog moves: a container by name or id (a process tree by its root PID) on a host. */
export interface MigrateTarget {
  hostId: string;
  runtime: Runtime;
  container: string;
}

export interface JobsSlice {
  jobs: Record<string, Job>;
  /** The open "Migrate…" dialog. In the store, not the row: the row goes away when the container leaves its host. */
  migrateTarget?: MigrateTarget | undefined;
  openMigrate(target: MigrateTarget | undefined): void;
  /** Newest first. */
  jobOrder: string[];
  /**
   * Runs an operation as a job. `run` gets the operation id to pass to the main side. Refreshes the host afterwards,
   * notifies (and, for long jobs, a system notification), and returns the outcome for the dialog that started it.
   */
  runJob<T>(spec: JobSpec, run: (operationId: string) => Promise<T>, describe: (value: T) => string): Promise<Outcome<T>>;
  jobProgress(report: ProgressReport): void;
  cancelJob(jobId: string): Promise<void>;
  clearFinishedJobs(): void;
  /** `allowLostProcesses`: the user saw which processes the checkpoint leaves out and chose to go on. */
  checkpoint(hostId: string, runtime: Runtime, container: string, options: CheckpointOptions, allowLostProcesses?: boolean): Promise<Outcome<Checkpoint>>;
  /**
   * Restores a stored checkpoint; with `onHostId` (another host than the one storing it) the checkpoint is first
   * streamed there (checkpoints.copy, unless that host already has it) and restored there, all as one job.
   */
  restore(hostId: string, checkpointId: string, options: RestoreOptions, onHostId?: string): Promise<Outcome<RestoreResult>>;
  deleteCheckpoint(hostId: string, checkpointId: string): Promise<Outcome<string>>;
  /** Moves a container to another host (migrate.start); a job of kind `migrate` on the source host. */
  migrate(input: Omit<MigrateInput, 'operationId' | 'runtime' | 'strategy' | 'keepSource' | 'copyImage'> & Partial<MigrateInput>): Promise<Outcome<MigrationResult>>;
  /** The preflight of a move (migrate.check): the checklist and the strategy `auto` picks; nothing stops. */
  checkMigration(input: Omit<MigrateInput, 'operationId' | 'runtime' | 'strategy' | 'keepSource' | 'copyImage'> & Partial<MigrateInput>): Promise<Outcome<MigrationPlan>>;
}

/** At most this many helper lines are kept per job (the newest), each cut to HELPER_LOG_LINE_CHARS. */
export const HELPER_LOG_LINES = 200;
export const HELPER_LOG_LINE_CHARS = 4000;

/** `lines` appended to a job's helper log, keeping it within its bounds. */
export function appendHelperLog(job: Pick<Job, 'helperLog' | 'helperLogDropped'>, lines: string[]): Pick<Job, 'helperLog' | 'helperLogDropped'> {
  const all = [...job.helperLog, ...lines.map((l) => (l.length > HELPER_LOG_LINE_CHARS ? `${l.slice(0, HELPER_LOG_LINE_CHARS)}… (cut)` : l))];
  const over = Math.max(0, all.length - HELPER_LOG_LINES);
  return over ? { helperLog: all.slice(over), helperLogDropped: (job.helperLogDropped ?? 0) + over } : { helperLog: all };
}

/** Jobs that take longer than this end with a system notification (the user has likely looked away). */
export const LONG_JOB_MS = 10_000;

export const selectRunningCount = (s: { jobs: Record<string, Job> }): number => Object.values(s.jobs).filter((j) => j.state === 'running').length;

export const createJobsSlice: SliceCreator<JobsSlice> = (set, get, deps) => {
  const cancels = new Map<string, (operationId: string) => Promise<unknown>>();
  const update = (id: string, patch: Partial<Job> | ((j: Job) => Partial<Job>)): void =>
    set((s) => {
      const job = s.jobs[id];
      if (!job) return {};
      return { jobs: { ...s.jobs, [id]: { ...job, ...(typeof patch === 'function' ? patch(job) : patch) } } };
    });
  const hostName = (hostId: string): string => hostLabel(hostId, get().hosts.find((h) => h.id === hostId)?.name);
  /** The last checkpoint of this container on this host: the helper reports the archive's bytes as it grows, so
   *  the last archive's size is what the next one should come close to. */
  const lastCheckpoint = (hostId: string, container: string): Checkpoint | undefined =>
    (get().listings[hostId]?.checkpoints ?? [])
      .filter((k) => k.container.name === container || k.container.id === container)
      .sort((a, b) => b.created.localeCompare(a.created))[0];

  // A long job's end as a system notification: the main side shows it (Electron's own Notification, since the
  // window's permission requests stay denied); where it does not (browser mode), the Web Notifications API.
  const notifyEnded = async (title: string, body: string): Promise<void> => {
    let shown = false;
    try {
      shown = (await deps.api.app.notify({ title: title.slice(0, 200), body: body.slice(0, 1000) })).shown;
    } catch {
      // An older or unreachable main side: the renderer's own API is still worth a try.
    }
    if (!shown) deps.notifySystem(title, body);
  };

  return {
    jobs: {},
    jobOrder: [],

    openMigrate(target) {
      set({ migrateTarget: target });
    },

    async runJob(spec, run, describe) {
      const id = deps.newId(spec.kind);
      const startedAt = deps.now();
      const { cancel, ...fields } = spec;
      if (cancel) cancels.set(id, cancel);
      set((s) => ({
        jobs: { ...s.jobs, [id]: { ...fields, id, state: 'running', startedAt, log: [`Started on ${hostName(spec.hostId)}.`], helperLog: [], cancellable: Boolean(cancel) } },
        jobOrder: [id, ...s.jobOrder],
      }));
      let outcome: Outcome<Awaited<ReturnType<typeof run>>>;
      try {
        const value = await run(id);
        const summary = describe(value);
        update(id, (j) => ({ state: 'done', endedAt: deps.now(), summary, log: [...j.log, summary] }));
        get().notify({ tone: 'ok', text: summary, hostId: spec.hostId, jobId: id });
        outcome = { ok: true, value };
      } catch (err) {
        const problem = toProblem(err);
        const cancelled = problem.code === 'cancelled' || get().jobs[id]?.cancelRequested === true;
        update(id, (j) => ({
          state: cancelled ? 'cancelled' : 'failed',
          endedAt: deps.now(),
          problem,
          log: [...j.log, cancelled ? `Cancelled: ${problem.message}` : `Failed: ${problem.message}`, ...(problem.detail ? [problem.detail] : [])],
          ...appendHelperLog(j, [`error ${problem.code}: ${problem.message}`, ...(problem.detail ? problem.detail.split('\n') : [])]),
        }));
        if (!get().promptFor(spec.hostId, err) && !cancelled) {
          get().notify({ tone: 'error', text: `${spec.title} failed: ${problem.message}`, ...(problem.detail ? { detail: problem.detail } : {}), hostId: spec.hostId, jobId: id });
        }
        outcome = { ok: false, problem };
      } finally {
        cancels.delete(id);
      }
      const job = get().jobs[id];
      if (job && deps.now() - startedAt >= LONG_JOB_MS) {
        void notifyEnded(`Stasis: ${job.state === 'done' ? 'done' : job.state}`, job.summary ?? `${job.title}: ${job.problem?.message ?? job.state}`);
      }
      get().refreshSoon(spec.hostId);
      return outcome;
    },

    jobProgress(report) {
      update(report.operationId, (j) => ({
        phase: report.phase,
        ...(report.bytes !== undefined ? { bytes: report.bytes } : {}),
        ...(report.totalBytes ? { expectedBytes: report.totalBytes } : {}),
        ...(report.etaMs !== undefined ? { etaMs: report.etaMs } : {}),
        log: j.phase === report.phase ? j.log : [...j.log, `Phase: ${report.phase}`],
        ...appendHelperLog(j, [
          `${report.elapsedMs !== undefined ? `+${(report.elapsedMs / 1000).toFixed(1)}s ` : ''}progress phase=${report.phase}${report.bytes !== undefined ? ` bytes=${report.bytes}` : ''}${report.message ? ` ${report.message}` : ''}`,
        ]),
      }));
    },

    async cancelJob(jobId) {
      const cancel = cancels.get(jobId);
      const job = get().jobs[jobId];
      if (!cancel || !job || job.state !== 'running') return;
      update(jobId, (j) => ({ cancelRequested: true, log: [...j.log, 'Cancel asked.'] }));
      try {
        await cancel(jobId);
      } catch (err) {
        get().notify({ tone: 'error', text: `Could not cancel ${job.title}: ${toProblem(err).message}`, hostId: job.hostId, jobId });
      }
    },

    clearFinishedJobs() {
      set((s) => {
        const keep = s.jobOrder.filter((id) => s.jobs[id]?.state === 'running');
        return { jobOrder: keep, jobs: Object.fromEntries(keep.map((id) => [id, s.jobs[id]!])) };
      });
    },

    checkpoint(hostId, runtime, container, options, allowLostProcesses) {
      const last = lastCheckpoint(hostId, container);
      return get().runJob(
        {
          kind: 'checkpoint',
          hostId,
          title: `Checkpoint of ${container} on ${hostName(hostId)}`,
          subject: container,
          ...(last ? { lineage: last.lineage, expectedBytes: last.sizes.archive } : {}),
          cancel: (operationId) => deps.api.checkpoints.cancel({ operationId }),
        },
        (operationId) => deps.api.checkpoints.create({ hostId, runtime, container, options, operationId, ...(allowLostProcesses ? { allowLostProcesses } : {}) }),
        (k) => `Checkpoint ${k.id} of ${k.container.name} saved on ${hostName(hostId)} (${formatBytes(k.sizes.archive)}).`,
      );
    },

    restore(hostId, checkpointId, options, onHostId) {
      const k = get().listings[hostId]?.checkpoints.find((c) => c.id === checkpointId);
      const target = onHostId ?? hostId;
      const elsewhere = target !== hostId;
      return get().runJob(
        {
          kind: 'restore',
          hostId: target,
          title: `Restore of ${k?.container.name ?? checkpointId} on ${hostName(target)}${elsewhere ? ` (from ${hostName(hostId)})` : ''}`,
          ...(k ? { subject: k.container.name, lineage: k.lineage, expectedBytes: k.sizes.archive } : {}),
          cancel: (operationId) => deps.api.checkpoints.cancel({ operationId }),
        },
        async (operationId) => {
          if (elsewhere && !get().listings[target]?.checkpoints.some((c) => c.id === checkpointId)) {
            await deps.api.checkpoints.copy({ fromHostId: hostId, checkpointId, toHostId: target, operationId });
            get().refreshSoon(target);
          }
          return deps.api.checkpoints.restore({ hostId: target, checkpointId, options, operationId });
        },
        (r) => `Restored ${checkpointId} as ${r.container.name} on ${hostName(target)}.`,
      );
    },

    deleteCheckpoint(hostId, checkpointId) {
      const k = get().listings[hostId]?.checkpoints.find((c) => c.id === checkpointId);
      return get().runJob(
        { kind: 'delete', hostId, title: `Delete ${checkpointId} on ${hostName(hostId)}`, ...(k ? { subject: k.container.name, lineage: k.lineage } : {}) },
        async () => {
          const r = await deps.api.checkpoints.delete({ hostId, checkpointId });
          // Gone from the lists at once; the refresh afterwards confirms it.
          set((s) => {
            const l = s.listings[hostId];
            return l ? { listings: { ...s.listings, [hostId]: { ...l, checkpoints: l.checkpoints.filter((c) => c.id !== checkpointId) } } } : {};
          });
          return r.deleted;
        },
        () => `Deleted ${checkpointId} from ${hostName(hostId)}.`,
      );
    },

    async migrate(input) {
      const { sourceHostId, destHostId, container } = input;
      const last = lastCheckpoint(sourceHostId, container);
      let jobId = '';
      const out = await get().runJob(
        {
          kind: 'migrate',
          hostId: sourceHostId,
          title: `Move ${container} from ${hostName(sourceHostId)} to ${hostName(destHostId)}`,
          subject: container,
          ...(last ? { lineage: last.lineage } : {}),
          cancel: (operationId) => deps.api.migrate.cancel({ operationId }),
        },
        (operationId) => ((jobId = operationId), deps.api.migrate.start({ ...input, operationId })),
        (r) => r.message,
      );
      // Both ends changed: the source lost (or kept) the container, the destination gained it.
      get().refreshSoon(destHostId);
      // A first checkpoint gives the container its lineage: the move then shows on its timeline.
      const kept = out.ok ? out.value.checkpointId : null;
      // (Not awaited: the dialog shows its summary at once.)
      if (kept && !last) {
        void get()
          .refreshHost(sourceHostId)
          .then(() => {
            const k = get().listings[sourceHostId]?.checkpoints.find((c) => c.id === kept);
            if (k) update(jobId, { lineage: k.lineage });
          });
      }
      return out;
    },

    async checkMigration(input) {
      try {
        return { ok: true, value: await deps.api.migrate.check(input) };
      } catch (err) {
        return { ok: false, problem: toProblem(err) };
      }
    },
  };
};

/** migrationProgress → the generic report (null total / ETA mean "not known yet"). */
export function migrationReport(p: { operationId: string; sourceHostId: string; phase: string; bytes: number; totalBytes: number | null; etaMs: number | null; message?: string }): ProgressReport {
  return {
    operationId: p.operationId,
    hostId: p.sourceHostId,
    kind: 'migrate',
    phase: p.phase,
    bytes: p.bytes,
    ...(p.totalBytes !== null ? { totalBytes: p.totalBytes } : {}),
    ...(p.etaMs !== null ? { etaMs: p.etaMs } : {}),
    ...(p.message ? { message: p.message } : {}),
  };
}

/** Percentage (0–99 while running) when the expected total is known. */
export function jobPercent(job: Pick<Job, 'bytes' | 'expectedBytes' | 'state'>): number | undefined {
  if (job.state === 'done') return 100;
  if (!job.expectedBytes || job.bytes === undefined) return undefined;
  return Math.min(99, Math.floor((job.bytes / job.expectedBytes) * 100));
}

/** Time left: the main side's estimate, else the rate so far against the expected total. */
export function jobEtaMs(job: Pick<Job, 'bytes' | 'expectedBytes' | 'etaMs' | 'startedAt' | 'state'>, now: number): number | undefined {
  if (job.state !== 'running') return undefined;
  if (job.etaMs !== undefined) return job.etaMs;
  if (!job.expectedBytes || !job.bytes) return undefined;
  const elapsed = now - job.startedAt;
  const rate = job.bytes / Math.max(1, elapsed);
  return Math.max(0, (job.expectedBytes - job.bytes) / rate);
}

/** "dump · 12 MiB of ~40 MiB (30 %) · 3.1 s · about 7 s left". */
export function jobProgressText(job: Job, now: number): string {
  const parts: string[] = [job.phase ?? (job.state === 'running' ? 'starting' : job.state)];
  if (job.bytes !== undefined) {
    const pct = jobPercent(job);
    parts.push(job.expectedBytes ? `${formatBytes(job.bytes)} of ~${formatBytes(job.expectedBytes)}${pct !== undefined ? ` (${pct} %)` : ''}` : formatBytes(job.bytes));
  }
  parts.push(formatDuration((job.endedAt ?? now) - job.startedAt));
  const eta = jobEtaMs(job, now);
  if (eta !== undefined) parts.push(`about ${formatDuration(eta)} left`);
  return parts.join(' · ');
}
