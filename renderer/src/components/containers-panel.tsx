import { useState } from 'react';
import { useWorkspace } from '../store/workspace-store';
import { CheckpointDialog, type CheckpointTarget } from './checkpoint-dialog';

export function ContainersPanel({ hostId }: { hostId: string }) {
  const containers = useWorkspace((s) => s.containers);
  const loading = useWorkspace((s) => s.loadingHosts.has(hostId));
  const [target, setTarget] = useState<CheckpointTarget>();
  const mine = containers.filter((c) => c.host === hostId);
  return (
    <section className="panel" aria-labelledby={`containers-${hostId}`}>
      <div className="panel-header">
        <h2 id={`containers-${hostId}`}>Containers</h2>
        <button type="button" onClick={() => setTarget({ hostId, runtime: 'process' })}>
          Checkpoint a process tree…
        </button>
      </div>
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
                  <button type="button" disabled={c.state !== 'running'} onClick={() => setTarget({ hostId: c.host, runtime: c.runtime, name: c.name || c.id })} aria-label={`Checkpoint ${c.name}`}>
                    Checkpoint…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {target && <CheckpointDialog target={target} onClose={() => setTarget(undefined)} />}
    </section>
  );
}
