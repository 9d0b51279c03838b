import { z } from 'zod';
import { Runtime } from './container';

/** Checkpoint ids are minted by the helper: `ck-<UTC yyyymmddhhmmss>-<8 hex>`. */
export const CheckpointId = z.string().regex(/^ck-[a-z0-9-]{5,61}$/, 'a checkpoint id (ck-...)');

/** Operation ids are chosen by the caller so that it can cancel before the first reply. */
export const OperationId = z.string().regex(/^[a-z0-9-]{8,64}$/, 'an operation id: 8-64 of a-z, 0-9, "-"');

export const Compression = z.enum(['none', 'gzip', 'zstd']);

/** Every checkpoint option podman has; Docker and process trees honour the subset noted. */
export const CheckpointOptions = z
  .object({
    /** all runtimes */
    leaveRunning: z.boolean().optional(),
    /** podman, process */
    tcpEstablished: z.boolean().optional(),
    fileLocks: z.boolean().optional(),
    /** podman only */
    ignoreRootfs: z.boolean().optional(),
    ignoreVolumes: z.boolean().optional(),
    keep: z.boolean().optional(),
    compression: Compression.optional(),
    /** podman, where the kernel tracks dirty memory: a pre-dump, or a dump on top of one. */
    preCheckpoint: z.boolean().optional(),
    withPrevious: CheckpointId.optional(),
    /** Retention: keep only the newest N checkpoints of this container (0 = keep all). */
    keepLast: z.number().int().min(0).max(9999).optional(),
    note: z.string().max(1024).optional(),
  })
  .strict();
export type CheckpointOptions = z.infer<typeof CheckpointOptions>;

export const RestoreOptions = z
  .object({
    /** Restore as a new container (podman, Docker); otherwise the stopped original is replaced. */
    name: z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/).optional(),
    keep: z.boolean().optional(),
    tcpEstablished: z.boolean().optional(),
    ignoreStaticIp: z.boolean().optional(),
    ignoreStaticMac: z.boolean().optional(),
    ignoreRootfs: z.boolean().optional(),
    ignoreVolumes: z.boolean().optional(),
    publish: z.array(z.string().regex(/^[0-9a-z.:/-]{1,64}$/, 'a port mapping such as 8080:80/tcp')).max(16).optional(),
    pod: z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/).optional(),
  })
  .strict();
export type RestoreOptions = z.infer<typeof RestoreOptions>;

/** The metadata record the helper keeps beside every archive. */
export const CheckpointMeta = z.object({
  id: z.string(),
  kind: z.enum(['checkpoint', 'pre']),
  /** The hostname the helper saw when it stored the checkpoint. */
  host: z.string(),
  created: z.string(),
  container: z.object({ runtime: Runtime, id: z.string(), name: z.string(), image: z.string() }),
  /** Survives restores and migrations: every checkpoint of one workload shares it. */
  lineage: z.string(),
  parent: z.string().nullable(),
  versions: z.object({ runtime: z.string(), criu: z.string(), kernel: z.string(), helper: z.string() }),
  options: z.array(z.string()),
  sizes: z.object({ archive: z.number(), pages: z.number(), images: z.number() }),
  archive: z.string(),
  hasStats: z.boolean(),
  /** Adopted after the helper died once the runtime had finished the dump. */
  recovered: z.boolean(),
  note: z.string(),
  /** Processes the checkpoint left out (started with exec, outside the init's tree): "7:sleep,12:sh" (see processes.ts). */
  leftOut: z.string().max(1400).optional(),
});
export type CheckpointMeta = z.infer<typeof CheckpointMeta>;

/** A checkpoint as the app lists it: the helper's record plus the Stasis host it lives on. */
export const Checkpoint = CheckpointMeta.extend({ hostId: z.string() });
export type Checkpoint = z.infer<typeof Checkpoint>;

export const CheckpointFile = z.object({ path: z.string(), bytes: z.number() });

export const CheckpointDetail = z.object({
  checkpoint: Checkpoint,
  /** CRIU / runtime statistics as the runtime printed them (podman --print-stats), when it did. */
  stats: z.unknown().nullable(),
  /** The non-page image files kept beside the archive. */
  files: z.array(CheckpointFile),
});
export type CheckpointDetail = z.infer<typeof CheckpointDetail>;

export const RestoreResult = z.object({
  hostId: z.string(),
  checkpoint: z.string(),
  container: z.object({ runtime: Runtime, id: z.string(), name: z.string() }),
});
export type RestoreResult = z.infer<typeof RestoreResult>;

export const OperationPhase = z.string().max(32);

/** Pushed while a checkpoint or restore runs. */
export const OperationProgress = z.object({
  operationId: z.string(),
  hostId: z.string(),
  kind: z.enum(['checkpoint', 'restore', 'migrate']),
  phase: OperationPhase,
  bytes: z.number(),
  elapsedMs: z.number(),
});
export type OperationProgress = z.infer<typeof OperationProgress>;
