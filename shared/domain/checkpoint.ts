import { z } from 'zod';
import { CHECKPOINT_OPTIONS, CheckpointId, Compression, RESTORE_OPTIONS, optionalShape } from './checkpoint-options';
import { Runtime } from './container';

export { CheckpointId, Compression };

/** Operation ids are chosen by the caller so that it can cancel before the first reply. */
export const OperationId = z.string().regex(/^[a-z0-9-]{8,64}$/, 'an operation id: 8-64 of a-z, 0-9, "-"');

/** Every checkpoint option podman has; Docker and process trees honour the subset the table notes. */
export const CheckpointOptions = z.object(optionalShape(CHECKPOINT_OPTIONS)).strict();
export type CheckpointOptions = z.infer<typeof CheckpointOptions>;

export const RestoreOptions = z.object(optionalShape(RESTORE_OPTIONS)).strict();
export type RestoreOptions = z.infer<typeof RestoreOptions>;

/** The metadata record the helper keeps beside every archive. */
export const CheckpointMeta = z.object({
  id: z.string(),
  kind: z.enum(['checkpoint', 'pre']),
  /** The hostname the helper saw when it stored the checkpoint. */
  host: z.string(),
  /** Whose it is on that host (the helper's caller; absent on checkpoints stored before helper 1.1). */
  uid: z.number().int().min(0).optional(),
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
