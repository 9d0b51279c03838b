import type { CheckpointMeta } from './checkpoint';

/** The helper's store on every host (stasis-helper.sh: STORE_ROOT); keyed by the hostname the helper saw. */
export const STORE_ROOT = '/var/lib/stasis';

/** Where a stored checkpoint's archive lives on its host, as a path to copy or to show. */
export function storedArchivePath(k: Pick<CheckpointMeta, 'host' | 'id' | 'archive'>): string {
  return `${STORE_ROOT}/hosts/${k.host}/checkpoints/${k.id}/${k.archive}`;
}
