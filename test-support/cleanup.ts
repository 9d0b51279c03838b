import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This checkout's helper, run as root on this computer (tests and benches run as root). */
const LOCAL_HELPER = ['/bin/sh', fileURLToPath(new URL('../electron/helper/stasis-helper.sh', import.meta.url))];

interface Stored {
  id: string;
  container: { runtime: string; id: string; name: string };
}

/**
 * Deletes the stored checkpoints `pick` chooses, so that a failed run leaves none behind. `via` runs the helper:
 * this computer's by default, or e.g. `['ssh', '-F', config, host, INSTALLED_HELPER]` on a test host.
 * Never throws: it runs in afterAll and finally blocks. Returns the ids it deleted.
 */
export function deleteStoredCheckpoints(pick: (c: Stored) => boolean, via: string[] = LOCAL_HELPER): string[] {
  const [cmd, ...args] = via;
  const list = spawnSync(cmd!, [...args, 'list'], { encoding: 'utf8', timeout: 60_000 });
  let stored: Stored[] = [];
  try {
    stored = (JSON.parse(list.stdout.split('\n')[0] ?? '') as { result?: Stored[] }).result ?? [];
  } catch {
    return [];
  }
  const gone: string[] = [];
  for (const c of stored.filter(pick)) {
    if (spawnSync(cmd!, [...args, 'delete', c.id], { timeout: 60_000 }).status === 0) gone.push(c.id);
  }
  return gone;
}

/**
 * Removes podman containers, one `podman rm` each: podman 4.3 given several names of which one does not exist
 * removes none of them and still exits 0. `via` runs podman elsewhere, e.g. `['ssh', '-F', config, host, 'podman']`.
 */
export function removePodmanContainers(names: string[], via: string[] = ['podman']): void {
  const [cmd, ...args] = via;
  for (const n of names) spawnSync(cmd!, [...args, 'rm', '-f', '-t', '0', n], { stdio: 'ignore', timeout: 60_000 });
}

/**
 * `docker start --checkpoint` leaves a copy of the checkpoint in $TMPDIR/ctrd-checkpoint<random>: containerd's
 * task service (services/tasks/local.go, Create) unpacks it there and never removes it. Its descriptors.json
 * names the pipes of the dumped process by inode, so it tells our copies from anyone else's: this removes the
 * ones whose descriptors.json is `descriptors` (read from our own checkpoint) and that appeared since `since`.
 */
export function removeContainerdRestoreCopies(descriptors: string, since: number): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith('ctrd-checkpoint'))) {
    const dir = path.join(tmpdir(), name);
    try {
      if (statSync(dir).mtimeMs < since - 1000 || readFileSync(path.join(dir, 'descriptors.json'), 'utf8').trim() !== descriptors.trim()) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // not a checkpoint copy, or gone already
    }
  }
  return removed;
}
