import { CHECKPOINT_OPTIONS, RESTORE_OPTIONS, defaultsFor, helperArgsFor } from '../../shared/domain/checkpoint-options';
import type { CheckpointOptions, RestoreOptions } from '../../shared/domain/checkpoint';
import type { Runtime } from '../../shared/domain/container';
import { StasisError } from '../../shared/api/errors';

type Table = typeof CHECKPOINT_OPTIONS | typeof RESTORE_OPTIONS;

/** Options the runtime cannot honour (set and not false), refused before the helper runs. */
function refuseUnsupported(table: Table, runtime: Runtime, values: Record<string, unknown>, what: string): void {
  const unsupported = Object.keys(values).filter((k) => {
    const spec = (table as Record<string, { runtimes: readonly Runtime[] }>)[k];
    return values[k] !== undefined && values[k] !== false && (!spec || !spec.runtimes.includes(runtime));
  });
  if (unsupported.length) {
    throw new StasisError('not-supported', `${runtime} ${what} do not support: ${unsupported.join(', ')}. Leave those options off.`);
  }
}

/** The table's defaults filled in: one set for the app, the CLI and browser mode. */
export function withCheckpointDefaults(runtime: Runtime, o: CheckpointOptions): CheckpointOptions {
  return { ...defaultsFor(CHECKPOINT_OPTIONS, runtime), ...o };
}

/** Checkpoint options → the helper's flags (which the helper checks again against its own list). */
export function checkpointArgs(runtime: Runtime, o: CheckpointOptions, operationId?: string): string[] {
  refuseUnsupported(CHECKPOINT_OPTIONS, runtime, o, 'checkpoints');
  const a = helperArgsFor(CHECKPOINT_OPTIONS, withCheckpointDefaults(runtime, o));
  if (operationId) a.push(`--op=${operationId}`);
  return a;
}

/** Restore options → the helper's flags; the runtime is the checkpoint's, when known. */
export function restoreArgs(o: RestoreOptions, operationId?: string, runtime?: Runtime): string[] {
  if (runtime) refuseUnsupported(RESTORE_OPTIONS, runtime, o, 'restores');
  const a = helperArgsFor(RESTORE_OPTIONS, o);
  if (operationId) a.push(`--op=${operationId}`);
  return a;
}
