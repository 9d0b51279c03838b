import { StasisError } from '../../shared/api/errors';
import type { Runtime } from '../../shared/domain/container';
import { checkProcesses, describeProcess, lostSummary, type ProcessCheck } from '../../shared/domain/processes';
import type { HelperClient } from './helper-client';
import { callVerb } from './helper-verbs';

/**
 * Which of a container's processes a checkpoint would leave out (see `lostProcesses`). The helper only lists the
 * processes in the container's PID namespace; the comparison with the tree CRIU dumps is made here. Process trees
 * (`runtime: 'process'`) have nothing outside their tree, so they are not asked about.
 * Used before a checkpoint (the dialog, the CLI, `checkpoints.create`) and by migration's preflight.
 */
export async function checkContainerProcesses(helper: HelperClient, runtime: Runtime, container: string): Promise<ProcessCheck | undefined> {
  if (runtime === 'process') return undefined;
  return checkProcesses(await callVerb(helper, 'procs', { runtime, container }));
}

/** The refusal when processes would be lost and the caller did not allow it; `allowHow` names the flag or the button. */
export function lostProcessesError(check: ProcessCheck, allowHow: string): StasisError {
  return new StasisError(
    'lost-processes',
    `${lostSummary(check.lost)} ${check.reason} ${allowHow}`,
    check.lost.map(describeProcess).join('\n'),
  );
}
