import { useState } from 'react';
import type { CheckpointOptions } from '../../../shared/domain/checkpoint';
import type { Runtime } from '../../../shared/domain/container';
import { useWorkspace } from '../store/workspace-store';
import { Modal, ModalActions } from './modal';

type Flag = 'leaveRunning' | 'tcpEstablished' | 'fileLocks' | 'ignoreRootfs' | 'ignoreVolumes';

// Which runtime honours which option (the helper refuses the others).
const FLAGS: { key: Flag; label: string; runtimes: Runtime[] }[] = [
  { key: 'leaveRunning', label: 'Leave it running', runtimes: ['podman', 'docker', 'process'] },
  { key: 'tcpEstablished', label: 'Include established TCP connections', runtimes: ['podman', 'process'] },
  { key: 'fileLocks', label: 'Include file locks', runtimes: ['podman', 'process'] },
  { key: 'ignoreRootfs', label: 'Skip file system changes', runtimes: ['podman'] },
  { key: 'ignoreVolumes', label: 'Skip volumes', runtimes: ['podman'] },
];

/** What to checkpoint: a container by name, or (with no name given) a process tree whose PID the user types. */
export interface CheckpointTarget {
  hostId: string;
  runtime: Runtime;
  name?: string;
}

export function CheckpointDialog({ target, onClose }: { target: CheckpointTarget; onClose: () => void }) {
  const checkpoint = useWorkspace((s) => s.checkpoint);
  const podman = target.runtime === 'podman';
  const [options, setOptions] = useState<CheckpointOptions>(podman ? { leaveRunning: true, compression: 'zstd' } : { leaveRunning: true });
  const [pid, setPid] = useState('');
  const submit = (): void => {
    const ref = target.name ?? pid.trim();
    if (!ref) return;
    onClose();
    void checkpoint(target.hostId, target.runtime, ref, options);
  };
  return (
    <Modal title={target.name ? `Checkpoint ${target.name}` : 'Checkpoint a process tree'} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {!target.name && (
          <label>
            Process ID (the tree under it is checkpointed)
            <input type="text" inputMode="numeric" pattern="[1-9][0-9]*" required value={pid} onChange={(e) => setPid(e.target.value)} />
          </label>
        )}
        {FLAGS.filter((f) => f.runtimes.includes(target.runtime)).map((f) => (
          <label key={f.key} className="check">
            <input type="checkbox" checked={options[f.key] ?? false} onChange={(e) => setOptions({ ...options, [f.key]: e.target.checked })} />
            {f.label}
          </label>
        ))}
        {podman && (
          <label>
            Compression
            <select value={options.compression ?? 'zstd'} onChange={(e) => setOptions({ ...options, compression: e.target.value as CheckpointOptions['compression'] })}>
              <option value="zstd">zstd (fast, small)</option>
              <option value="gzip">gzip</option>
              <option value="none">none</option>
            </select>
          </label>
        )}
        <label>
          Keep only the newest
          <input type="number" min={0} max={9999} value={options.keepLast ?? 0} onChange={(e) => setOptions({ ...options, keepLast: Number(e.target.value) })} />
          <span className="muted">checkpoints of this container (0 keeps all)</span>
        </label>
        <label>
          Note
          <input type="text" maxLength={1024} value={options.note ?? ''} onChange={(e) => setOptions({ ...options, note: e.target.value })} placeholder="what state is this?" />
        </label>
        <ModalActions onCancel={onClose} submitLabel="Checkpoint" />
      </form>
    </Modal>
  );
}
