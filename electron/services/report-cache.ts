import { stat } from 'node:fs/promises';
import type { InspectReport } from '../../shared/inspect/report';

/**
 * The reports of the last few checkpoints the image browser opened, so its parts (the summary, then each process's
 * fds, then the sockets) are cut from one read. A stored checkpoint never changes under its id; a file is keyed by
 * its inode, size and mtime, so a file rewritten in place is read again. Requests for a report still being read wait
 * for that read. A failed read is not kept.
 */
export interface ReportCache {
  get(key: string, read: () => Promise<InspectReport>): Promise<InspectReport>;
}

export function createReportCache(size = 2): ReportCache {
  // Insertion order is the recency order: a hit is moved to the end, the first entry is the oldest.
  const entries = new Map<string, Promise<InspectReport>>();
  return {
    get(key, read) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      const p = read();
      entries.set(key, p);
      p.catch(() => {
        if (entries.get(key) === p) entries.delete(key);
      });
      while (entries.size > size) entries.delete(entries.keys().next().value!);
      return p;
    },
  };
}

/** The cache key of a checkpoint file or image directory: a changed file is a new key. */
export async function fileKey(resolved: string): Promise<string> {
  const s = await stat(resolved);
  return `file:${resolved}:${s.ino}:${s.size}:${s.mtimeMs}`;
}

export const storedKey = (hostId: string, checkpointId: string): string => `stored:${hostId}:${checkpointId}`;
