import { loadCheckpoint, type Checkpoint, type LoadOptions } from '../../shared/inspect/checkpoint';
import { argEnvCapturePlan } from '../../shared/inspect/memory';
import type { ReaderLimits } from '../../shared/archive/errors';
import { openCheckpointSource, type FileHandles } from './open';

/** Opens and reads a checkpoint's metadata; close() releases the files kept open for page reads. */
export async function loadCheckpointFile(
  target: string,
  options: { limits?: Partial<ReaderLimits>; capture?: LoadOptions['capture']; stream?: LoadOptions['stream']; zstdWorkerBinding?: string } = {},
): Promise<{ checkpoint: Checkpoint; handles: FileHandles }> {
  const { source, handles, limits } = await openCheckpointSource(target, {
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.zstdWorkerBinding ? { zstdWorkerBinding: options.zstdWorkerBinding } : {}),
  });
  try {
    const checkpoint = await loadCheckpoint(source, { limits, capture: options.capture ?? argEnvCapturePlan, ...(options.stream ? { stream: options.stream } : {}) });
    return { checkpoint, handles };
  } catch (err) {
    await handles.close();
    throw err;
  }
}
