import iconUrl from '../../../assets/icon.svg';
import { useEffect, useState } from 'react';
import { shortPath } from '../format';
import { links, type Route } from '../router';
import { useStasis } from '../store';
import { selectRunningCount } from '../store/jobs-slice';
import { AddHostDialog } from './add-host-dialog';

const STATUS_LABEL = { ok: 'ready', unreachable: 'unreachable', unknown: 'not checked', error: 'error' } as const;

function NavLink({ to, active, children, label }: { to: string; active: boolean; children: React.ReactNode; label?: string }) {
  return (
    <a href={to} className={active ? 'nav-item active' : 'nav-item'} aria-current={active ? 'page' : undefined} aria-label={label}>
      {children}
    </a>
  );
}

export function Sidebar({ route, onShortcuts }: { route: Route; onShortcuts: () => void }) {
  const hosts = useStasis((s) => s.hosts);
  const running = useStasis(selectRunningCount);
  // The ssh config file actually read (a --ssh-config flag may name another than ~/.ssh/config).
  const sshConfigPath = useStasis((s) => s.appInfo?.sshConfigPath);
  const loadAppInfo = useStasis((s) => s.loadAppInfo);
  useEffect(() => void loadAppInfo(), [loadAppInfo]);
  const connection = useStasis((s) => s.connection);
  const [adding, setAdding] = useState(false);
  const lost = connection === 'lost';
  const hostActive = (id: string): boolean => (route.name === 'host' && route.hostId === id) || (route.name === 'home' && id === 'local');
  return (
    <nav className="sidebar" aria-label="Stasis">
      <a className="brand" href={links.welcome()}>
        <img src={iconUrl} alt="" width={24} height={24} />
        <span>Stasis</span>
      </a>
      <NavLink to={links.containers()} active={route.name === 'containers'}>
        All containers
      </NavLink>
      <NavLink to={links.jobs()} active={route.name === 'jobs'} label={running ? `Jobs, ${running} running` : 'Jobs'}>
        Jobs
        {running > 0 && (
          <span className="badge" aria-hidden>
            {running}
          </span>
        )}
      </NavLink>
      <h2 className="section-title">Hosts</h2>
      <ul className="host-list">
        {hosts.map((h) => (
          <li key={h.id}>
            <NavLink to={links.host(h.id)} active={hostActive(h.id)}>
              <span className={`dot ${lost ? 'unknown' : h.status}`} aria-hidden />
              <span className="host-name">{h.name}</span>
              <span className="host-status">{lost ? 'no server' : STATUS_LABEL[h.status]}</span>
            </NavLink>
          </li>
        ))}
      </ul>
      <button type="button" className="add-host" onClick={() => setAdding(true)}>
        + Add host…
      </button>
      {adding && <AddHostDialog onClose={() => setAdding(false)} />}
      <h2 className="section-title">Checkpoints</h2>
      <NavLink to={links.image()} active={route.name === 'image'}>
        Look inside a checkpoint…
      </NavLink>
      <NavLink to={links.diff()} active={route.name === 'diff'}>
        Compare two checkpoints…
      </NavLink>
      <div className="sidebar-foot">
        <NavLink to={links.sshConfig()} active={route.name === 'ssh-config'}>
          <span title={sshConfigPath}>Hosts in {sshConfigPath ? shortPath(sshConfigPath) : 'your SSH config'}</span>
        </NavLink>
        <NavLink to={links.welcome()} active={route.name === 'welcome'}>
          About and readiness
        </NavLink>
        <button type="button" className="nav-item" onClick={onShortcuts}>
          Keyboard shortcuts <kbd>?</kbd>
        </button>
      </div>
    </nav>
  );
}
