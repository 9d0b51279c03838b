import { StreamByteReader, type ByteReader } from '../../shared/archive/byte-reader';
import { withLimits } from '../../shared/archive/errors';
import { archiveSource } from '../../shared/archive/source';
import { readTar } from '../../shared/archive/tar';
import { StasisError } from '../../shared/api/stasis-error';
import { loadCheckpoint, type Checkpoint } from '../../shared/inspect/checkpoint';
import { unzstdNative } from '../inspect/zstd-native';
import type { HelperClient } from './helper-client';
import type { CheckpointOpener, MemoryPlans } from './memory-service';

const CHUNK = 1024 * 1024;
/** `send` streams `<id>/…`; the runtime's archive is the one member with the pages. */
const ARCHIVE_MEMBER = /^ck-[a-z0-9-]+\/archive\.tar(?:\.gz|\.zst)?$/;

/** Ends the walk of the outer stream once the archive has been read: what follows it is not needed. */
class Finished extends Error {}

async function* chunksOf(reader: ByteReader, size: number): AsyncGenerator<Uint8Array> {
  for (let left = size; left > 0; ) {
    const n = Math.min(CHUNK, left);
    yield await reader.readExact(n);
    left -= n;
  }
}

/**
 * A checkpoint in a host's store, for the memory panel. The store keeps pages only inside the runtime's archive, so
 * the helper's `send` (the checkpoint's folder as a tar stream) is walked, and the archive inside it is read as it
 * goes by: the same single streaming pass as a compressed file, nothing written to disk and nothing held.
 */
export function storedOpener(helper: HelperClient, hostId: string, checkpointId: string): CheckpointOpener {
  return async <T,>(plans: MemoryPlans, use: (checkpoint: Checkpoint) => Promise<T>): Promise<T> => {
    // `inspect` says "no such checkpoint" and "outdated helper" in the usual words; `send` has no version stamp.
    await helper.call('inspect', [checkpointId], { timeoutMs: 60_000 });
    const limits = withLimits();
    const stream = await helper.stream('send', [checkpointId], { timeoutMs: 60 * 60_000 });
    // Set inside the walk's callback, which control-flow analysis does not follow: hence a holder, not a `let`.
    const result: { value?: T; found: boolean } = { found: false };
    try {
      await readTar(new StreamByteReader(stream.bytes, limits.maxTotalBytes), { limits, allowOutsideLinks: false }, async (member, body) => {
        if (member.type !== 'file' || !ARCHIVE_MEMBER.test(member.path)) return;
        const source = await archiveSource({ label: `${hostId}:${checkpointId}`, open: () => chunksOf(body.reader, body.size) }, limits, { zstd: unzstdNative });
        result.value = await use(await loadCheckpoint(source, { limits, ...plans }));
        result.found = true;
        throw new Finished();
      });
    } catch (err) {
      if (!(err instanceof Finished)) throw err;
    } finally {
      stream.stop();
    }
    if (!result.found) throw new StasisError('not-found', `Checkpoint ${checkpointId} on ${hostId} has no archive with memory pages to search.`);
    return result.value as T;
  };
}
