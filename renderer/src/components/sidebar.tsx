import iconUrl from '../../../assets/icon.svg';
import { useState } from 'react';
import { useHosts } from '../store/hosts-store';
import { AddHostDialog } from './add-host-dialog';

const STATUS_LABEL = { ok: 'ready', unreachable: 'unreachable', unknown: 'not checked', error: 'error' } as const;

export function Sidebar() {
  const hosts = useHosts((s) => s.hosts);
  const view = useHosts((s) => s.view);
  const select = useHosts((s) => s.select);
  const [adding, setAdding] = useState(false);
  return (
    <nav className="sidebar" aria-label="Hosts">
      <div className="brand">
        <img src={iconUrl} alt="" width={24} height={24} />
        <span>Stasis</span>
      </div>
      <h2 className="section-title">Hosts</h2>
      <ul className="host-list">
        {hosts.map((h) => (
          <li key={h.id}>
            <button
              type="button"
              className={view.kind === 'host' && view.hostId === h.id ? 'host-item active' : 'host-item'}
              onClick={() => select({ kind: 'host', hostId: h.id })}
              aria-current={view.kind === 'host' && view.hostId === h.id}
            >
              <span className={`dot ${h.status}`} aria-hidden />
              <span className="host-name">{h.name}</span>
              <span className="host-status">{STATUS_LABEL[h.status]}</span>
            </button>
          </li>
        ))}
      </ul>
      <h2 className="section-title">Checkpoints</h2>
      <button
        type="button"
        className={view.kind === 'image' ? 'host-item active' : 'host-item'}
        onClick={() => select({ kind: 'image' })}
      >
        Look inside a checkpoint…
      </button>
      <button type="button" className={view.kind === 'diff' ? 'host-item active' : 'host-item'} onClick={() => select({ kind: 'diff' })}>
        Compare two checkpoints…
      </button>
      <button type="button" className="add-host" onClick={() => setAdding(true)}>
        + Add host…
      </button>
      {adding && <AddHostDialog onClose={() => setAdding(false)} />}
      <button
        type="button"
        className={view.kind === 'ssh-config' ? 'link-item active' : 'link-item'}
        onClick={() => select({ kind: 'ssh-config' })}
      >
        Hosts in ~/.ssh/config
      </button>
    </nav>
  );
}
