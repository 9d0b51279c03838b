import { useState } from 'react';
import type { Checkpoint } from '../../../shared/domain/checkpoint';
import { escapeControl } from '../../../shared/text/escape';
import { formatBytes } from '../format';
import { links } from '../router';
import { useStasis } from '../store';
import { EMPTY_LISTING } from '../store/containers-slice';
import { DeleteDialog, RestoreDialog } from './checkpoint-actions';
import { LeftOutNote } from './lost-processes';
import { TableCopy } from '../ui/table-copy';

export function CheckpointsPanel({ hostId }: { hostId: string }) {
  const listing = useStasis((s) => s.listings[hostId] ?? EMPTY_LISTING);
  const [restoring, setRestoring] = useState<Checkpoint>();
  const [deleting, setDeleting] = useState<Checkpoint>();
  const mine = [...listing.checkpoints].sort((a, b) => b.created.localeCompare(a.created));
  // The checkpoint taken before this one of the same workload (lineage), to compare with.
  const previous = (k: Checkpoint): Checkpoint | undefined => mine.find((o) => o.lineage === k.lineage && o.created < k.created);
  return (
    <section className="panel" aria-labelledby={`checkpoints-${hostId}`}>
      <div className="panel-header">
        <h2 id={`checkpoints-${hostId}`}>Checkpoints</h2>
        {mine.length > 0 && <TableCopy label="Checkpoints" />}
      </div>
      {mine.length === 0 ? (
        <div className="empty-state">
          <p className="muted">No checkpoints stored on this host yet. Press Checkpoint… on a running container above to take one.</p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="table" aria-label="Checkpoints">
            <thead>
              <tr>
                <th>Taken</th>
                <th>Container</th>
                <th className="num">Size</th>
                <th>Note</th>
                <th className="actions-col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {mine.map((k) => {
                const prev = previous(k);
                return (
                  <tr key={k.id}>
                    <td>
                      {new Date(k.created).toLocaleString()}
                      <div className="muted mono">{k.id}</div>
                    </td>
                    <td>
                      {escapeControl(k.container.name)} <span className="muted">({k.container.runtime})</span>
                      {k.leftOut && (
                        <div>
                          <LeftOutNote record={k.leftOut} />
                        </div>
                      )}
                    </td>
                    <td className="num">{formatBytes(k.sizes.archive)}</td>
                    <td className="ellipsis" title={escapeControl(k.note)}>
                      {escapeControl(k.note) || <span className="muted">—</span>}
                    </td>
                    <td className="row-actions">
                      <a className="button-like" href={links.imageStored(k.hostId, k.id)} aria-label={`Look inside ${k.id}`}>
                        Look inside
                      </a>
                      {prev && (
                        <a className="button-like" href={links.diffStored(k.hostId, prev.id, k.id)} aria-label={`Compare ${k.id} with the one before`}>
                          Compare
                        </a>
                      )}
                      <a className="button-like" href={links.timeline(k.lineage)} aria-label={`Timeline of ${k.id}`}>
                        Timeline
                      </a>
                      <button type="button" onClick={() => setRestoring(k)} aria-label={`Restore ${k.id}`}>
                        Restore…
                      </button>
                      <button type="button" onClick={() => setDeleting(k)} aria-label={`Delete ${k.id}`}>
                        Delete…
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {restoring && <RestoreDialog checkpoint={restoring} onClose={() => setRestoring(undefined)} />}
      {deleting && <DeleteDialog checkpoint={deleting} onClose={() => setDeleting(undefined)} />}
    </section>
  );
}
