import { useEffect } from 'react';
import { links } from '../router';
import { useStasis } from '../store';
import { shortPath } from '../format';

/** What Stasis's connection to a host is, in the words the sidebar uses. */
const STATE = { ok: 'connected', unreachable: 'unreachable', unknown: 'not connected yet', error: 'error' } as const;

export function SshConfigView() {
  const hosts = useStasis((s) => s.sshConfigHosts);
  const known = useStasis((s) => s.hosts);
  const loadSshConfig = useStasis((s) => s.loadSshConfig);
  const path = useStasis((s) => s.appInfo?.sshConfigPath);
  const loadAppInfo = useStasis((s) => s.loadAppInfo);
  useEffect(() => {
    void loadSshConfig();
    void loadAppInfo();
  }, [loadSshConfig, loadAppInfo]);
  const file = path ? shortPath(path) : 'your SSH config';
  return (
    <section aria-labelledby="ssh-title">
      <header className="view-header">
        <h1 id="ssh-title">Hosts in {file}</h1>
        <span className="muted" title={path}>
          read from {path ?? 'your ssh config'}; edit that file to change them
        </span>
      </header>
      {!hosts ? (
        <p className="muted">Reading {file}…</p>
      ) : hosts.length === 0 ? (
        <p className="muted">No hosts found in {file}.</p>
      ) : (
        <table className="table" aria-label="Hosts in the SSH config">
          <thead>
            <tr>
              <th>Alias</th>
              <th>Address</th>
              <th>User</th>
              <th>Via</th>
              <th>Stasis</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {hosts.map((h) => {
              const host = known.find((k) => k.id === h.alias);
              return (
                <tr key={h.alias}>
                  <td>{host ? <a href={links.host(h.alias)}>{h.alias}</a> : h.alias}</td>
                  <td>
                    {h.hostName ?? h.alias}
                    {h.port ? `:${h.port}` : ''}
                  </td>
                  <td>{h.user ?? '—'}</td>
                  <td>{h.proxyJump ?? '—'}</td>
                  <td>{host ? <span className={host.status === 'ok' ? 'good' : host.status === 'unknown' ? 'muted' : 'bad'}>{STATE[host.status]}</span> : <span className="muted">hidden</span>}</td>
                  <td className="muted">{h.source}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
