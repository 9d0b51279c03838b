import { useEffect } from 'react';
import { useStasis } from '../store';

export function SshConfigView() {
  const hosts = useStasis((s) => s.sshConfigHosts);
  const loadSshConfig = useStasis((s) => s.loadSshConfig);
  useEffect(() => void loadSshConfig(), [loadSshConfig]);
  return (
    <section aria-labelledby="ssh-title">
      <header className="view-header">
        <h1 id="ssh-title">Hosts in your SSH config</h1>
        <span className="muted">read only — Stasis has not connected to these</span>
      </header>
      {!hosts ? (
        <p className="muted">Reading ~/.ssh/config…</p>
      ) : hosts.length === 0 ? (
        <p className="muted">No hosts found in ~/.ssh/config.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Alias</th>
              <th>Address</th>
              <th>User</th>
              <th>Via</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {hosts.map((h) => (
              <tr key={h.alias}>
                <td>{h.alias}</td>
                <td>
                  {h.hostName ?? h.alias}
                  {h.port ? `:${h.port}` : ''}
                </td>
                <td>{h.user ?? '—'}</td>
                <td>{h.proxyJump ?? '—'}</td>
                <td className="muted">{h.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
