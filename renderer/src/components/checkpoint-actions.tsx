import { useState } from 'react';
import type { Checkpoint, RestoreOptions } from '../../../shared/domain/checkpoint';
import { formatBytes, hostLabel } from '../format';
import { useStasis } from '../store';
import type { Problem } from '../store/messages';
import { Modal, ModalActions } from './modal';
import { RestoreOptionsFields } from './restore-options';

/**
 * Restore a stored checkpoint on its host — or, with `anyHost`, on a host the user picks (it is copied there first);
 * the dialog stays open with the runtime's (or the destination helper's) words when it fails.
 */
export function RestoreDialog({ checkpoint, onClose, anyHost = false }: { checkpoint: Checkpoint; onClose: () => void; anyHost?: boolean }) {
  const restore = useStasis((s) => s.restore);
  const hosts = useStasis((s) => s.hosts);
  const [onHost, setOnHost] = useState(checkpoint.hostId);
  const [name, setName] = useState('');
  const [options, setOptions] = useState<RestoreOptions>({});
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const valid = name === '' || /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name);
  return (
    <Modal title={`Restore ${checkpoint.container.name}`} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          setBusy(true);
          setProblem(undefined);
          void restore(checkpoint.hostId, checkpoint.id, { ...options, ...(name ? { name } : {}) }, onHost).then((out) => {
            setBusy(false);
            if (out.ok) onClose();
            else if (out.problem.code !== 'cancelled') setProblem(out.problem);
          });
        }}
      >
        <p className="muted">
          Checkpoint {checkpoint.id}, taken {new Date(checkpoint.created).toLocaleString()} on {hostLabel(checkpoint.hostId)}.
        </p>
        {anyHost && (
          <label>
            Restore on
            <select value={onHost} onChange={(e) => setOnHost(e.target.value)} aria-label="Restore on host">
              {hosts.map((h) => (
                <option key={h.id} value={h.id}>
                  {hostLabel(h.id, h.name)}
                  {h.id === checkpoint.hostId ? ' (stores it)' : h.status === 'ok' ? '' : ` (${h.status})`}
                </option>
              ))}
            </select>
            {onHost !== checkpoint.hostId && (
              <span className="muted">The checkpoint is streamed to {hostLabel(onHost, hosts.find((h) => h.id === onHost)?.name)} first; {hostLabel(checkpoint.hostId)} keeps its own.</span>
            )}
          </label>
        )}
        <label>
          Restore as a new container named
          <input
            type="text"
            value={name}
            maxLength={128}
            onChange={(e) => setName(e.target.value)}
            placeholder={`leave empty to restore ${checkpoint.container.name} itself`}
            aria-invalid={!valid || problem !== undefined}
          />
          {!valid && <span className="field-error">A name starts with a letter or digit, then letters, digits, “_”, “.” or “-” (no spaces).</span>}
          {problem && (
            <span className="field-error" role="alert">
              {problem.message}
              {problem.detail && <pre className="mono">{problem.detail}</pre>}
            </span>
          )}
        </label>
        <RestoreOptionsFields runtime={checkpoint.container.runtime} value={options} onChange={setOptions} />
        <ModalActions onCancel={onClose} submitLabel={busy ? 'Restoring…' : 'Restore'} disabled={busy || !valid} />
      </form>
    </Modal>
  );
}

export function DeleteDialog({ checkpoint, onClose }: { checkpoint: Checkpoint; onClose: () => void }) {
  const remove = useStasis((s) => s.deleteCheckpoint);
  return (
    <Modal title="Delete checkpoint" onClose={onClose}>
      <p>
        Delete checkpoint <b>{checkpoint.id}</b> of {checkpoint.container.name}? Its archive ({formatBytes(checkpoint.sizes.archive)}) is removed from{' '}
        {hostLabel(checkpoint.hostId)}. This cannot be undone.
      </p>
      <div className="actions">
        <button type="button" onClick={onClose}>
          Keep it
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            onClose();
            void remove(checkpoint.hostId, checkpoint.id);
          }}
        >
          Delete
        </button>
      </div>
    </Modal>
  );
}
