import type { HelperClient } from './helper-client';
import { callVerb } from './helper-verbs';

export type ContainerAction = 'stop' | 'start' | 'remove';

/**
 * Stop, start or remove a podman or Docker container through the host's helper, so it works the same for root,
 * sudo and non-root SSH logins. `remove` is forced (a running container is stopped first): the UI confirms it.
 */
export function containerAction(helper: HelperClient, runtime: 'podman' | 'docker', container: string, action: ContainerAction): Promise<{ ok: boolean }> {
  return callVerb(helper, 'container', { action, runtime, container });
}
