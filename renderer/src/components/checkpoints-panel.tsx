import { useState } from 'react';
import type { Checkpoint } from '../../../shared/domain/checkpoint';
import { formatBytes, useWorkspace } from '../store/workspace-store';
import { useHosts } from '../store/hosts-store';
import { Modal, ModalActions } from './modal';

function RestoreDialog({ checkpoint, onClose }: { checkpoint: Checkpoint; onClose: () => void }) {
  const restore = useWorkspace((s) => s.restore);
  const [name, setName] = useState('');
  return (
    <Modal title={`Restore ${checkpoint.container.name}`} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          onClose();
          void restore(checkpoint.hostId, checkpoint.id, name ? { name } : {});
        }}
      >
        <p className="muted">
          Checkpoint {checkpoint.id}, taken {new Date(checkpoint.created).toLocaleString()}.
        </p>
        <label>
          Restore as a new container named
          <input type="text" value={name} pattern="[A-Za-z0-9][A-Za-z0-9_.\-]*" maxLength={128} onChange={(e) => setName(e.target.value)} placeholder={`leave empty to restore ${checkpoint.container.name} itself`} />
        </label>
        <ModalActions onCancel={onClose} submitLabel="Restore" />
      </form>
    </Modal>
  );
}

function DeleteDialog({ checkpoint, onClose }: { checkpoint: Checkpoint; onClose: () => void }) {
  const remove = useWorkspace((s) => s.remove);
  return (
    <Modal title="Delete checkpoint" onClose={onClose}>
      <p>
        Delete checkpoint <b>{checkpoint.id}</b> of {checkpoint.container.name}? Its archive ({formatBytes(checkpoint.sizes.archive)}) is removed from{' '}
        {checkpoint.hostId === 'local' ? 'this computer' : checkpoint.hostId}. This cannot be undone.
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

export function CheckpointsPanel({ hostId }: { hostId: string }) {
  const checkpoints = useWorkspace((s) => s.checkpoints);
  const [restoring, setRestoring] = useState<Checkpoint>();
  const [deleting, setDeleting] = useState<Checkpoint>();
  const select = useHosts((s) => s.select);
  const mine = checkpoints.filter((k) => k.hostId === hostId).sort((a, b) => b.created.localeCompare(a.created));
  // The checkpoint taken before this one of the same workload (lineage), to compare with.
  const previous = (k: Checkpoint): Checkpoint | undefined => mine.find((o) => o.lineage === k.lineage && o.created < k.created);
  return (
    <section className="panel" aria-labelledby={`checkpoints-${hostId}`}>
      <h2 id={`checkpoints-${hostId}`}>Checkpoints</h2>
      {mine.length === 0 ? (
        <p className="muted">No checkpoints stored on this host yet.</p>
      ) : (
        <table className="table" aria-label="Checkpoints">
          <thead>
            <tr>
              <th>Taken</th>
              <th>Container</th>
              <th>Size</th>
              <th>Lineage</th>
              <th>Note</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {mine.map((k) => (
              <tr key={k.id}>
                <td>
                  {new Date(k.created).toLocaleString()}
                  <div className="muted mono">{k.id}</div>
                </td>
                <td>
                  {k.container.name} <span className="muted">({k.container.runtime})</span>
                </td>
                <td>{formatBytes(k.sizes.archive)}</td>
                <td className="mono muted" title={k.lineage}>
                  {k.lineage.slice(-8)}
                </td>
                <td>{k.note || <span className="muted">—</span>}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => select({ kind: 'image', stored: { hostId: k.hostId, checkpointId: k.id } })} aria-label={`Look inside ${k.id}`}>
                    Look inside
                  </button>
                  {previous(k) && (
                    <button
                      type="button"
                      onClick={() => select({ kind: 'diff', stored: { hostId: k.hostId, before: previous(k)!.id, after: k.id } })}
                      aria-label={`Compare ${k.id} with the one before`}
                    >
                      Compare
                    </button>
                  )}
                  <button type="button" onClick={() => setRestoring(k)} aria-label={`Restore ${k.id}`}>
                    Restore…
                  </button>
                  <button type="button" onClick={() => setDeleting(k)} aria-label={`Delete ${k.id}`}>
                    Delete…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {restoring && <RestoreDialog checkpoint={restoring} onClose={() => setRestoring(undefined)} />}
      {deleting && <DeleteDialog checkpoint={deleting} onClose={() => setDeleting(undefined)} />}
    </section>
  );
}
