import { useState } from 'react';
import { escapeControl } from '../../../shared/text/escape';
import { useStasis } from '../store';
import { EMPTY_LISTING } from '../store/containers-slice';
import { CheckpointDialog, type CheckpointTarget } from './checkpoint-dialog';
import { ContainerRowActions } from './container-row-actions';
import { hostLabel } from '../format';
import { TableCopy } from '../ui/table-copy';

export function ContainersPanel({ hostId }: { hostId: string }) {
  const listing = useStasis((s) => s.listings[hostId] ?? EMPTY_LISTING);
  const [target, setTarget] = useState<CheckpointTarget>();
  const mine = listing.containers;
  const newest = (name: string, id: string) =>
    listing.checkpoints.filter((k) => k.container.name === name || k.container.id === id).sort((a, b) => b.created.localeCompare(a.created))[0];
  const lineageOf = (name: string, id: string): string | undefined => newest(name, id)?.lineage;
  const hostName = useStasis((s) => hostLabel(hostId, s.hosts.find((h) => h.id === hostId)?.name));
  return (
    <section className="panel" aria-labelledby={`containers-${hostId}`}>
      <div className="panel-header">
        <h2 id={`containers-${hostId}`}>Containers</h2>
        <span className="panel-tools">
          {mine.length > 0 && <TableCopy label="Containers" />}
          <button type="button" onClick={() => setTarget({ hostId, runtime: 'process' })}>
            Checkpoint a process tree…
          </button>
        </span>
      </div>
      {listing.problem ? (
        <div className="banner error" role="alert">
          <span>
            {listing.problem.message}
            {listing.problem.detail && listing.problem.detail !== listing.problem.message && <pre className="mono detail">{listing.problem.detail}</pre>}
          </span>
        </div>
      ) : mine.length === 0 ? (
        <div className="empty-state">
          {listing.loading || listing.loadedAt === undefined ? (
            <p className="muted">Loading containers…</p>
          ) : (
            <p className="muted">
              No containers on this host. Start one (for example <code className="mono">podman run -d --name web nginx</code>) and press Refresh, or checkpoint a
              plain process tree by its PID.
            </p>
          )}
        </div>
      ) : (
        <div className="table-scroll">
          <table className="table" aria-label="Containers">
            <thead>
              <tr>
                <th>Name</th>
                <th>Runtime</th>
                <th>State</th>
                <th>Image</th>
                <th className="actions-col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {mine.map((c) => {
                const lineage = lineageOf(c.name, c.id);
                return (
                  <tr key={`${c.runtime}-${c.id}`}>
                    <td className="cell-name">
                      <span className="primary-text" title={escapeControl(c.name)}>
                        {escapeControl(c.name)}
                      </span>
                      <span className="secondary-text muted mono">{c.id.slice(0, 12)}</span>
                    </td>
                    <td>{c.runtime}</td>
                    <td>
                      <span className={`state ${c.state}`}>{c.state}</span>
                    </td>
                    <td className="muted ellipsis" title={c.image}>
                      {c.image ?? '—'}
                    </td>
                    <td className="row-actions">
                      <ContainerRowActions
                        c={{ hostId: c.host, hostName: hostName, runtime: c.runtime, id: c.id, name: c.name, state: c.state, lastCheckpoint: newest(c.name, c.id), lineage }}
                        canCheckpoint={c.state === 'running'}
                        onCheckpoint={() => setTarget({ hostId: c.host, runtime: c.runtime, name: c.name || c.id })}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {target && <CheckpointDialog target={target} onClose={() => setTarget(undefined)} />}
    </section>
  );
}
