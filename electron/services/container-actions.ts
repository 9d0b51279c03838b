import { z } from 'zod';
import type { HelperClient } from './helper-client';

export type ContainerAction = 'stop' | 'start' | 'remove';

/**
 * Stop, start or remove a podman or Docker container through the host's helper, so it works the same for root,
 * sudo and non-root SSH logins. `remove` is forced (a running container is stopped first): the UI confirms it.
 */
export async function containerAction(helper: HelperClient, runtime: 'podman' | 'docker', container: string, action: ContainerAction): Promise<{ ok: boolean }> {
  // A stop waits up to 10 s for the container to exit before the runtime kills it.
  return z.object({ ok: z.boolean() }).parse(await helper.call('container', [action, runtime, container], { timeoutMs: 60_000 }));
}
