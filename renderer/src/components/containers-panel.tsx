import { useState } from 'react';
import type { ContainerSummary } from '../../../shared/domain/container';
import { useWorkspace } from '../store/workspace-store';
import { CheckpointDialog } from './checkpoint-dialog';

export function ContainersPanel({ hostId }: { hostId: string }) {
  const containers = useWorkspace((s) => s.containers);
  const loading = useWorkspace((s) => s.loadingHosts.has(hostId));
  const [target, setTarget] = useState<ContainerSummary>();
  const mine = containers.filter((c) => c.host === hostId);
  return (
    <section className="panel" aria-labelledby={`containers-${hostId}`}>
      <h2 id={`containers-${hostId}`}>Containers</h2>
      {mine.length === 0 ? (
        <p className="muted">{loading ? 'Loading containers…' : 'No containers on this host.'}</p>
      ) : (
        <table className="table" aria-label="Containers">
          <thead>
            <tr>
              <th>Name</th>
              <th>Runtime</th>
              <th>State</th>
              <th>Image</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {mine.map((c) => (
              <tr key={`${c.runtime}-${c.id}`}>
                <td>
                  {c.name}
                  <div className="muted mono">{c.id.slice(0, 12)}</div>
                </td>
                <td>{c.runtime}</td>
                <td>
                  <span className={`state ${c.state}`}>{c.state}</span>
                </td>
                <td className="muted">{c.image ?? '—'}</td>
                <td className="row-actions">
                  <button type="button" disabled={c.state !== 'running'} onClick={() => setTarget(c)} aria-label={`Checkpoint ${c.name}`}>
                    Checkpoint…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {target && <CheckpointDialog container={target} onClose={() => setTarget(undefined)} />}
    </section>
  );
}
