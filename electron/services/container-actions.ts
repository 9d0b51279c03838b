import type { HelperClient } from './helper-client';
import { callVerb } from './helper-verbs';

export type ContainerAction = 'stop' | 'start' | 'remove';

/**
 * Stop, start or remove a podman or Docker container through the host's helper, so it works the same for root,
 * sudo and non-root SSH logins. The helper never removes a running container; `remove` here stops it first, which
 * the UI has asked the user to confirm ("It is running: it will be stopped first"). Checkpoints are not touched.
 */
export async function containerAction(helper: HelperClient, runtime: 'podman' | 'docker', container: string, action: ContainerAction): Promise<{ ok: boolean }> {
  if (action === 'remove') await callVerb(helper, 'container', { action: 'stop', runtime, container });
  return callVerb(helper, 'container', { action, runtime, container });
}
