import { z } from 'zod';
import { CheckpointId, OperationId } from './checkpoint';
import { ContainerRef, Runtime } from './container';

/**
 * Moving a running container or process tree from one host to another (`stasis migrate`, the app's "Migrate…").
 * `auto` resolves to one of the others before anything stops; the result and the plan name the one used and why.
 */
export const MigrationStrategy = z.enum(['auto', 'stop-and-copy', 'lazy', 'pre-copy']);
export type MigrationStrategy = z.infer<typeof MigrationStrategy>;
export const ConcreteStrategy = z.enum(['stop-and-copy', 'lazy', 'pre-copy']);
export type ConcreteStrategy = z.infer<typeof ConcreteStrategy>;

const HostRef = z.string().min(1).max(256);

export const MigrateInput = z
  .object({
    sourceHostId: HostRef,
    runtime: Runtime.default('podman'),
    /** Container name or id; for `process`, the PID of the tree's root. */
    container: ContainerRef,
    destHostId: HostRef,
    strategy: MigrationStrategy.default('auto'),
    /** Leave the stopped source container in place (it is removed otherwise; the checkpoint is always kept). */
    keepSource: z.boolean().default(false),
    /** Run under another name on the destination. */
    name: z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/).optional(),
    /** When the image is missing on the destination, copy it there (`podman save | podman load`) instead of failing. */
    copyImage: z.boolean().default(false),
    /** Chosen by the caller so that it can cancel before the first reply. */
    operationId: OperationId.optional(),
  })
  .strict();
export type MigrateInput = z.infer<typeof MigrateInput>;

/** ok: fine; warn: works, with a caveat said in `detail`; fixable: Stasis can fix it (e.g. copy the image); fail: stops the move. */
export const CheckVerdict = z.enum(['ok', 'warn', 'fixable', 'fail']);
export type CheckVerdict = z.infer<typeof CheckVerdict>;

export const PreflightCheck = z.object({
  /** Stable key: helper, criu, cpu, kernel, runtime, image, name, disk, network, sockets, strategy… */
  id: z.string().max(40),
  label: z.string().max(200),
  verdict: CheckVerdict,
  detail: z.string().max(2000),
  /** What to do about a failure, in plain words. */
  fix: z.string().max(1000).optional(),
});
export type PreflightCheck = z.infer<typeof PreflightCheck>;

/** The answer of `migrate.check` (`stasis migrate … --check`): nothing has stopped. */
export const MigrationPlan = z.object({
  sourceHostId: z.string(),
  destHostId: z.string(),
  runtime: Runtime,
  container: z.object({ id: z.string(), name: z.string(), image: z.string() }),
  /** False when any check failed (a `fixable` one counts as failed unless copyImage was asked for). */
  ok: z.boolean(),
  strategy: ConcreteStrategy,
  strategyReason: z.string().max(1000),
  /** Rough, from the memory size and measured rates; null when unknown. */
  expectedDowntimeMs: z.number().nullable(),
  /** Resident memory of the workload, the bulk of what travels. */
  memoryBytes: z.number().nullable(),
  checks: z.array(PreflightCheck),
});
export type MigrationPlan = z.infer<typeof MigrationPlan>;

export const MigrationPhase = z.enum([
  'preflight',
  'image-copy',
  'freeze',
  'transfer',
  'verify',
  'restore',
  'confirm',
  /** Lazy moves: the tree runs on the destination while its memory follows from the source. */
  'pages',
  'stop-source',
  'rollback',
  'done',
]);
export type MigrationPhase = z.infer<typeof MigrationPhase>;

/** Pushed while a migration runs (also as `operationProgress` with kind `migrate`). */
export const MigrationProgress = z.object({
  operationId: z.string(),
  sourceHostId: z.string(),
  destHostId: z.string(),
  phase: MigrationPhase,
  /** Bytes on the wire so far in this phase. */
  bytes: z.number(),
  /** Expected bytes of this phase, when known. */
  totalBytes: z.number().nullable(),
  bytesPerSecond: z.number(),
  etaMs: z.number().nullable(),
  elapsedMs: z.number(),
  message: z.string().max(500).optional(),
});
export type MigrationProgress = z.infer<typeof MigrationProgress>;

export const PhaseTiming = z.object({ phase: MigrationPhase, ms: z.number() });

export const MigrationResult = z.object({
  operationId: z.string(),
  migrationId: z.string(),
  strategy: ConcreteStrategy,
  strategyReason: z.string(),
  /** The host id where the container runs now: the destination, or the source after a rollback. */
  runningOn: z.string(),
  rolledBack: z.boolean(),
  container: z.object({ runtime: Runtime, id: z.string(), name: z.string() }),
  /** Frozen on the source → running on the destination. */
  downtimeMs: z.number(),
  totalMs: z.number(),
  /** Bytes on the wire (source → destination, image copy excluded). */
  bytes: z.number(),
  imageBytes: z.number(),
  /** The checkpoint kept in the source host's store. */
  checkpointId: CheckpointId.nullable(),
  /** Its copy in the destination's store (same lineage). */
  destCheckpointId: CheckpointId.nullable(),
  /** End-to-end checksum of the archive (CRC-32, as cksum prints it) that both hosts computed; the sizes match too. */
  digest: z.string().nullable(),
  phases: z.array(PhaseTiming),
  preflight: z.array(PreflightCheck),
  /** One sentence: what happened. */
  message: z.string(),
});
export type MigrationResult = z.infer<typeof MigrationResult>;

/** A migration whose journal on the source host's store does not say it ended (Stasis was killed mid-way). */
export const InterruptedMigration = z.object({
  migrationId: z.string(),
  sourceHostId: z.string(),
  destHostId: z.string(),
  runtime: Runtime,
  container: z.string(),
  destName: z.string(),
  /** The last phase the journal recorded. */
  phase: z.string(),
  checkpointId: z.string().nullable(),
  started: z.string(),
});
export type InterruptedMigration = z.infer<typeof InterruptedMigration>;

export const RecoveryResult = z.object({
  migrationId: z.string(),
  /** finished: it runs on the destination, the journal is closed; rolled-back: restored on the source; nothing: it already ran on exactly one host. */
  action: z.enum(['finished', 'rolled-back', 'nothing']),
  runningOn: z.string().nullable(),
  message: z.string(),
});
export type RecoveryResult = z.infer<typeof RecoveryResult>;
