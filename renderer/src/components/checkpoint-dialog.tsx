import { useState } from 'react';
import type { CheckpointOptions } from '../../../shared/domain/checkpoint';
import type { ContainerSummary } from '../../../shared/domain/container';
import { useWorkspace } from '../store/workspace-store';
import { Modal, ModalActions } from './modal';

type Flag = 'leaveRunning' | 'tcpEstablished' | 'fileLocks' | 'ignoreRootfs' | 'ignoreVolumes';

const FLAGS: { key: Flag; label: string; podmanOnly?: boolean }[] = [
  { key: 'leaveRunning', label: 'Leave the container running' },
  { key: 'tcpEstablished', label: 'Include established TCP connections' },
  { key: 'fileLocks', label: 'Include file locks' },
  { key: 'ignoreRootfs', label: 'Skip file system changes', podmanOnly: true },
  { key: 'ignoreVolumes', label: 'Skip volumes', podmanOnly: true },
];

export function CheckpointDialog({ container, onClose }: { container: ContainerSummary; onClose: () => void }) {
  const checkpoint = useWorkspace((s) => s.checkpoint);
  const [options, setOptions] = useState<CheckpointOptions>({ leaveRunning: true, compression: 'zstd' });
  const podman = container.runtime === 'podman';
  const submit = (): void => {
    onClose();
    void checkpoint(container.host, container.runtime, container.name || container.id, options);
  };
  return (
    <Modal title={`Checkpoint ${container.name}`} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {FLAGS.filter((f) => podman || !f.podmanOnly).map((f) => (
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
