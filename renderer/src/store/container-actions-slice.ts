import type { HostProcess, ProcessCheck } from '../../../shared/domain/processes';
import { hostLabel } from '../format';
import { toProblem, type Outcome, type Problem } from './messages';
import type { SliceCreator } from './types';

export type ContainerAction = 'stop' | 'start' | 'remove';
type ContainerRuntime = 'podman' | 'docker';

/** What a checkpoint of one container would leave out, asked when its checkpoint dialog opens. */
export interface ProcessCheckState {
  loading: boolean;
  check?: ProcessCheck;
  problem?: Problem;
}

export const processCheckKey = (hostId: string, container: string): string => `${hostId}\0${container}`;

const VERB: Record<ContainerAction, { title: string; done: string }> = {
  stop: { title: 'Stop', done: 'Stopped' },
  start: { title: 'Start', done: 'Started' },
  remove: { title: 'Remove', done: 'Removed' },
};

/** A host's processes, for the process-tree picker. */
export interface HostProcessesState {
  loading: boolean;
  list?: HostProcess[];
  problem?: Problem;
}

export interface ContainerActionsSlice {
  /** Keyed by host id. */
  hostProcesses: Record<string, HostProcessesState>;
  loadHostProcesses(hostId: string): Promise<void>;
  /** Keyed by `processCheckKey(host, container)`. */
  processChecks: Record<string, ProcessCheckState>;
  /** Which of the container's processes a checkpoint would leave out (started with exec, outside its main tree). */
  checkProcesses(hostId: string, runtime: ContainerRuntime, container: string): Promise<void>;
  /** Stop, start or remove a container, as a job (its notice, and the host's list refreshed after). */
  containerAct(hostId: string, runtime: ContainerRuntime, container: string, action: ContainerAction): Promise<Outcome<{ ok: boolean }>>;
}

export const createContainerActionsSlice: SliceCreator<ContainerActionsSlice> = (set, get, deps) => {
  const put = (key: string, state: ProcessCheckState): void => set((s) => ({ processChecks: { ...s.processChecks, [key]: state } }));
  const putProcs = (hostId: string, state: HostProcessesState): void => set((s) => ({ hostProcesses: { ...s.hostProcesses, [hostId]: state } }));
  return {
    processChecks: {},
    hostProcesses: {},

    async loadHostProcesses(hostId) {
      putProcs(hostId, { ...get().hostProcesses[hostId], loading: true });
      try {
        putProcs(hostId, { loading: false, list: await deps.api.hosts.processes({ hostId }) });
      } catch (err) {
        putProcs(hostId, { loading: false, problem: toProblem(err) });
      }
    },

    async checkProcesses(hostId, runtime, container) {
      const key = processCheckKey(hostId, container);
      put(key, { loading: true });
      try {
        put(key, { loading: false, check: await deps.api.containers.processes({ hostId, runtime, container }) });
      } catch (err) {
        put(key, { loading: false, problem: toProblem(err) });
      }
    },

    containerAct(hostId, runtime, container, action) {
      const where = hostLabel(hostId, get().hosts.find((h) => h.id === hostId)?.name);
      return get().runJob(
        { kind: action, hostId, title: `${VERB[action].title} ${container} on ${where}`, subject: container },
        () => deps.api.containers.act({ hostId, runtime, container, action }),
        () => `${VERB[action].done} ${container} on ${where}.`,
      );
    },
  };
};
