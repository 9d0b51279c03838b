import { create } from 'zustand';
import type { Checkpoint, CheckpointOptions, OperationProgress, RestoreOptions } from '../../../shared/domain/checkpoint';
import type { ContainerSummary, HostFailure, Runtime } from '../../../shared/domain/container';
import { ApiError } from '../../../shared/api/client';
import { api, subscribe } from '../api';

/** Something only the user can answer before a host action can go on. */
export type HostPrompt =
  | { kind: 'host-key'; hostId: string; fingerprint: string; message: string }
  | { kind: 'secret'; hostId: string; secretKind: 'password' | 'passphrase'; message: string };

export interface RunningOperation {
  id: string;
  hostId: string;
  kind: 'checkpoint' | 'restore';
  label: string;
  progress?: OperationProgress;
}

interface WorkspaceState {
  containers: ContainerSummary[];
  checkpoints: Checkpoint[];
  failures: HostFailure[];
  loadingHosts: Set<string>;
  operations: Record<string, RunningOperation>;
  notice: { tone: 'ok' | 'error'; text: string } | undefined;
  prompt: HostPrompt | undefined;
  refresh(hostId: string): Promise<void>;
  checkpoint(hostId: string, runtime: Runtime, container: string, options: CheckpointOptions): Promise<void>;
  restore(hostId: string, checkpointId: string, options: RestoreOptions): Promise<void>;
  remove(hostId: string, checkpointId: string): Promise<void>;
  cancel(operationId: string): Promise<void>;
  answerPrompt(answer: string | undefined): Promise<void>;
  dismissNotice(): void;
}

const newOperationId = (): string => `op-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const useWorkspace = create<WorkspaceState>()((set, get) => {
  /** Turns the errors a user can resolve (unknown host key, a password) into a prompt instead of a dead end. */
  const failed = (hostId: string, err: unknown): void => {
    if (err instanceof ApiError && err.code === 'host-key-unknown' && err.detail) {
      set({ prompt: { kind: 'host-key', hostId, fingerprint: err.detail, message: err.message } });
    } else if (err instanceof ApiError && (err.code === 'password-needed' || err.code === 'passphrase-needed' || err.code === 'sudo-needs-password')) {
      set({ prompt: { kind: 'secret', hostId, secretKind: err.code === 'passphrase-needed' ? 'passphrase' : 'password', message: err.message } });
    } else {
      set({ notice: { tone: 'error', text: errorText(err) } });
    }
  };

  const track = async <T,>(op: RunningOperation, run: (operationId: string) => Promise<T>): Promise<T | undefined> => {
    set((s) => ({ operations: { ...s.operations, [op.id]: op } }));
    try {
      return await run(op.id);
    } catch (err) {
      failed(op.hostId, err);
      return undefined;
    } finally {
      set((s) => {
        const { [op.id]: _done, ...rest } = s.operations;
        return { operations: rest };
      });
    }
  };

  return {
    containers: [],
    checkpoints: [],
    failures: [],
    loadingHosts: new Set(),
    operations: {},
    notice: undefined,
    prompt: undefined,

    async refresh(hostId) {
      set((s) => ({ loadingHosts: new Set(s.loadingHosts).add(hostId) }));
      try {
        const [c, k] = await Promise.all([api.containers.list({ hostId }), api.checkpoints.list({ hostId })]);
        const errors = [...c.errors, ...k.errors];
        set((s) => ({
          containers: [...s.containers.filter((x) => x.host !== hostId), ...c.containers],
          checkpoints: [...s.checkpoints.filter((x) => x.hostId !== hostId), ...k.checkpoints],
          failures: [...s.failures.filter((f) => f.host !== hostId), ...errors],
        }));
        const first = errors[0];
        if (first) failed(hostId, new ApiError(first.code as never, first.message));
      } catch (err) {
        failed(hostId, err);
      } finally {
        set((s) => {
          const next = new Set(s.loadingHosts);
          next.delete(hostId);
          return { loadingHosts: next };
        });
      }
    },

    async checkpoint(hostId, runtime, container, options) {
      const done = await track({ id: newOperationId(), hostId, kind: 'checkpoint', label: `Checkpointing ${container}` }, (operationId) =>
        api.checkpoints.create({ hostId, runtime, container, options, operationId }),
      );
      if (done) set({ notice: { tone: 'ok', text: `Checkpoint ${done.id} of ${done.container.name} saved (${formatBytes(done.sizes.archive)}).` } });
      await get().refresh(hostId);
    },

    async restore(hostId, checkpointId, options) {
      const done = await track({ id: newOperationId(), hostId, kind: 'restore', label: `Restoring ${checkpointId}` }, (operationId) =>
        api.checkpoints.restore({ hostId, checkpointId, options, operationId }),
      );
      if (done) set({ notice: { tone: 'ok', text: `Restored ${checkpointId} as ${done.container.name}.` } });
      await get().refresh(hostId);
    },

    async remove(hostId, checkpointId) {
      try {
        await api.checkpoints.delete({ hostId, checkpointId });
        set((s) => ({ checkpoints: s.checkpoints.filter((k) => !(k.hostId === hostId && k.id === checkpointId)), notice: { tone: 'ok', text: `Deleted ${checkpointId}.` } }));
      } catch (err) {
        failed(hostId, err);
      }
    },

    async cancel(operationId) {
      try {
        await api.checkpoints.cancel({ operationId });
      } catch (err) {
        set({ notice: { tone: 'error', text: errorText(err) } });
      }
    },

    async answerPrompt(answer) {
      const p = get().prompt;
      set({ prompt: undefined });
      if (!p || answer === undefined) return;
      try {
        if (p.kind === 'host-key') await api.hosts.acceptKey({ hostId: p.hostId, fingerprint: p.fingerprint });
        else await api.hosts.provideSecret({ hostId: p.hostId, kind: p.secretKind, secret: answer });
      } catch (err) {
        failed(p.hostId, err);
        return;
      }
      await get().refresh(p.hostId);
    },

    dismissNotice: () => set({ notice: undefined }),
  };
});

subscribe('operationProgress', (progress) => {
  useWorkspace.setState((s) => {
    const op = s.operations[progress.operationId];
    return op ? { operations: { ...s.operations, [op.id]: { ...op, progress } } } : {};
  });
});

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
