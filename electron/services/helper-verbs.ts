import { z } from 'zod';
import { CheckpointId, CheckpointMeta, OperationId, type CheckpointOptions, type RestoreOptions } from '../../shared/domain/checkpoint';
import { ContainerRef, Runtime } from '../../shared/domain/container';
import { ContainerProcesses } from '../../shared/domain/processes';
import { StasisError } from '../../shared/api/errors';
import { checkpointArgs, restoreArgs } from './checkpoint-args';
import type { HelperCallOptions, HelperClient } from './helper-client';
import { HelperPs } from './container-list';
import { Journal, LazyEnd, LazyIn, MigrateIn, TreeFacts } from './migration/helper-schemas';
import { DestFacts, SourceFacts } from './migration/preflight';

/**
 * The helper protocol on the TypeScript side, one row per verb: how its arguments are built from typed input, and
 * the schema its result must match. The helper (root) emits fields; everything it says is parsed here before use.
 * A new verb is one more row (and one more case arm in stasis-helper.sh's main).
 */
interface Verb<I, R extends z.ZodTypeAny> {
  args: (input: I) => string[];
  result: R;
  timeoutMs?: number;
}

const verb = <I, R extends z.ZodTypeAny>(v: Verb<I, R>): Verb<I, R> => v;

const id = (checkpointId: string): string[] => [CheckpointId.parse(checkpointId)];

/** `inspect`: the record, the runtime's statistics as bytes (parsed here, never by root), the image files. */
export const HelperInspect = z.object({
  meta: CheckpointMeta,
  statsB64: z.string().max(1_500_000),
  files: z.array(z.object({ path: z.string(), bytes: z.number() })),
});

export const HelperRestoreResult = z.object({
  checkpoint: z.string(),
  container: z.object({ runtime: Runtime, id: z.string(), name: z.string() }),
});

export const HELPER_VERBS = {
  version: verb({ args: () => [], result: z.object({ version: z.string() }), timeoutMs: 30_000 }),
  ps: verb({ args: () => [], result: HelperPs, timeoutMs: 60_000 }),
  checkpoint: verb({
    args: (i: { runtime: Runtime; container: string; options: CheckpointOptions; operationId?: string; leftOut?: string }) => [
      Runtime.parse(i.runtime),
      ContainerRef.parse(i.container),
      ...checkpointArgs(i.runtime, i.options, i.operationId),
      // exec'd processes the dump leaves out, recorded with the checkpoint (see lost-processes.ts)
      ...(i.leftOut ? [`--left-out=${i.leftOut}`] : []),
    ],
    result: CheckpointMeta,
  }),
  restore: verb({
    args: (i: { checkpointId: string; options: RestoreOptions; operationId?: string; runtime?: Runtime }) => [
      ...id(i.checkpointId),
      ...restoreArgs(i.options, i.operationId, i.runtime),
    ],
    result: HelperRestoreResult,
  }),
  list: verb({ args: () => [], result: z.array(CheckpointMeta), timeoutMs: 60_000 }),
  inspect: verb({ args: id, result: HelperInspect, timeoutMs: 60_000 }),
  delete: verb({ args: id, result: z.object({ deleted: z.string() }), timeoutMs: 10 * 60_000 }),
  images: verb({ args: id, result: z.object({ tar: z.string().max(40 * 1024 * 1024) }), timeoutMs: 120_000 }),
  /** stdin: a `send` stream from another host. */
  receive: verb({ args: id, result: CheckpointMeta, timeoutMs: 60 * 60_000 }),
  cancel: verb({ args: (operationId: string) => [OperationId.parse(operationId)], result: z.object({ cancelled: z.boolean() }), timeoutMs: 30_000 }),
  /** stdin: the command lines and environments read from the checkpoint's pages (JSON, at most 256 KiB). */
  'keep-args': verb({ args: id, result: z.object({ ok: z.boolean() }), timeoutMs: 60_000 }),
  /** The processes in a running container's PID namespace (lost-processes.ts compares them with the init's tree). */
  procs: verb({
    args: (i: { runtime: 'podman' | 'docker'; container: string }) => [z.enum(['podman', 'docker']).parse(i.runtime), ContainerRef.parse(i.container)],
    result: ContainerProcesses,
    timeoutMs: 30_000,
  }),
  /** Stop, start or remove a container (a stop waits for the container's own stop timeout). */
  container: verb({
    args: (i: { action: 'stop' | 'start' | 'remove'; runtime: 'podman' | 'docker'; container: string }) => [
      z.enum(['stop', 'start', 'remove']).parse(i.action),
      z.enum(['podman', 'docker']).parse(i.runtime),
      ContainerRef.parse(i.container),
    ],
    result: z.object({ ok: z.boolean() }),
    timeoutMs: 120_000,
  }),
  // Migration (electron/services/migration/): the journal on the source's store, preflight facts, and the two
  // halves of the streamed transfer (migrate-out's stdout is raw archive bytes, migrate-in reads them on stdin).
  journal: verb({ args: (a: string[]) => a, result: z.union([Journal, z.array(Journal)]), timeoutMs: 30_000 }),
  'migrate-check': verb({ args: (a: string[]) => a, result: z.union([SourceFacts, DestFacts]), timeoutMs: 60_000 }),
  'migrate-out': verb({ args: (a: string[]) => a, result: z.never(), timeoutMs: 60 * 60_000 }),
  'migrate-in': verb({ args: (a: string[]) => a, result: MigrateIn, timeoutMs: 60 * 60_000 }),
  /** `podman save` of a migration's missing image on stdout (raw), and `podman load` of it from stdin (root only). */
  'image-out': verb({ args: (image: string) => [image], result: z.never(), timeoutMs: 60 * 60_000 }),
  'image-in': verb({ args: () => [], result: z.object({ loaded: z.string() }), timeoutMs: 60 * 60_000 }),
  /** A process tree's migration facts (`tree-check PID` on the source, `tree-check -` on the destination). */
  'tree-check': verb({ args: (pid: string) => [pid], result: TreeFacts, timeoutMs: 60_000 }),
  // A lazy (post-copy) move of a process tree (migration/tree-lazy-move.ts): lazy-out's stdout is the non-memory
  // images (raw tar) while CRIU serves the pages on the source's 127.0.0.1:PORT; lazy-in restores from them on the
  // destination with its lazy-pages daemon on 127.0.0.1:PORT there; lazy-end waits for the pages or undoes the move.
  'lazy-out': verb({ args: (i: { migrationId: string; pid: string; port: number }) => [i.migrationId, i.pid, String(i.port)], result: z.never(), timeoutMs: 10 * 60_000 }),
  'lazy-in': verb({ args: (i: { migrationId: string; port: number }) => [i.migrationId, String(i.port)], result: LazyIn, timeoutMs: 10 * 60_000 }),
  'lazy-end': verb({ args: (i: { migrationId: string; action: 'wait' | 'abort' | 'finish' }) => [i.migrationId, i.action], result: LazyEnd, timeoutMs: 60 * 60_000 }),
};

export type HelperVerbs = typeof HELPER_VERBS;
export type VerbName = keyof HelperVerbs;
type InputOf<V extends VerbName> = Parameters<HelperVerbs[V]['args']>[0];
type ResultOf<V extends VerbName> = z.infer<HelperVerbs[V]['result']>;

/** Runs one verb through its row: typed input in, a checked result out (or a StasisError saying what was wrong). */
export async function callVerb<V extends VerbName>(
  helper: Pick<HelperClient, 'call'>,
  name: V,
  input: InputOf<V>,
  options: HelperCallOptions = {},
): Promise<ResultOf<V>> {
  const row = HELPER_VERBS[name] as unknown as Verb<InputOf<V>, HelperVerbs[V]['result']>;
  const raw = await helper.call(name, row.args(input), { ...(row.timeoutMs ? { timeoutMs: row.timeoutMs } : {}), ...options });
  const parsed = row.result.safeParse(raw);
  if (!parsed.success) {
    throw new StasisError('operation-failed', `The Stasis helper's answer to "${name}" is not what this Stasis expects.`, parsed.error.message.slice(0, 500));
  }
  return parsed.data as ResultOf<V>;
}

/** The runtime's statistics from `inspect`: JSON the helper only passed along, parsed (or dropped) here. */
export function parseStats(statsB64: string): unknown {
  if (!statsB64) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(statsB64, 'base64').toString('utf8'));
    return v !== null && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}
