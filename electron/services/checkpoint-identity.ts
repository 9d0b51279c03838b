import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Identical } from '../../shared/inspect/diff';

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Whether two checkpoint paths are one file (the same inode, however the paths are spelt) or two regular files with
 * the same bytes. Contents are hashed only when the sizes match, which two different checkpoints almost never do,
 * so a normal comparison costs two stat calls.
 */
export async function pathIdentity(a: string, b: string): Promise<Identical> {
  const [sa, sb] = await Promise.all([stat(a), stat(b)]);
  if (sa.dev === sb.dev && sa.ino === sb.ino) return 'same-file';
  if (!sa.isFile() || !sb.isFile() || sa.size !== sb.size) return null;
  const [ha, hb] = await Promise.all([sha256(a), sha256(b)]);
  return ha === hb ? 'same-content' : null;
}
