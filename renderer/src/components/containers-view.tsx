import { useMemo, useState } from 'react';
import { escapeControl } from '../../../shared/text/escape';
import { formatBytes, formatAgo } from '../format';
import { href, links, navigate, type Route } from '../router';
import { useStasis } from '../store';
import { containerRows, filterRows, hostAvailability, type ContainerRow } from '../store/selectors';
import { DataTable, type Column } from '../ui/data-table';
import { CheckpointDialog, type CheckpointTarget } from './checkpoint-dialog';
import { ContainerRowActions } from './container-row-actions';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

type Filters = Omit<Extract<Route, { name: 'containers' }>, 'name'>;

/** Every container on every host in one table; filters live in the address, so a filtered view is a link. */
export function ContainersView({ route }: { route: Extract<Route, { name: 'containers' }> }) {
  const hosts = useStasis((s) => s.hosts);
  const listings = useStasis((s) => s.listings);
  const refreshAll = useStasis((s) => s.refreshAll);
  const [target, setTarget] = useState<CheckpointTarget>();
  const now = Date.now();
  const rows = useMemo(() => containerRows(hosts, listings), [hosts, listings]);
  const availability = useMemo(() => hostAvailability(hosts, listings), [hosts, listings]);
  const shown = filterRows(rows, route);
  // Typing replaces the address as it goes (Back should not step through every letter); a picked filter is a step.
  const setFilter = (patch: Partial<Filters>, replace = false): void => {
    const { name: _n, ...current } = route;
    navigate(href({ name: 'containers', ...current, ...patch }), { replace });
  };
  const runtimes = [...new Set(rows.map((r) => r.runtime))].sort();
  const states = [...new Set(rows.map((r) => r.state))].sort();
  const loading = availability.some((a) => a.state === 'loading');
  const columns: Column<ContainerRow>[] = useMemo(
    () => [
      {
        key: 'name',
        label: 'Name',
        value: (r) => r.name,
        className: 'cell-name',
        render: (r) => (
          <>
            <span className="primary-text" title={r.id}>
              {escapeControl(r.name)}
            </span>
            <span className="secondary-text muted" title={escapeControl(r.image)}>
              {escapeControl(r.image) || '—'}
            </span>
          </>
        ),
      },
      { key: 'host', label: 'Host', value: (r) => r.hostName, className: 'nowrap', render: (r) => <a href={links.host(r.hostId)}>{escapeControl(r.hostName)}</a> },
      { key: 'runtime', label: 'Runtime', value: (r) => r.runtime, wide: true },
      // Shown under the name and the state; kept as columns of their own in Copy as text / JSON.
      { key: 'image', label: 'Image', value: (r) => r.image, hidden: true },
      {
        key: 'state',
        label: 'State',
        value: (r) => r.state,
        className: 'nowrap',
        render: (r) => (
          <>
            <span className={`state ${r.state}`}>{r.state}</span>
            {r.uptime && (
              <span className="secondary-text muted" title={r.startedAt ? `since ${new Date(r.startedAt).toLocaleString()}` : undefined}>
                for {r.uptime}
              </span>
            )}
          </>
        ),
      },
      {
        key: 'uptime',
        label: 'Up for',
        // Longest running sorts last ascending when the runtime says when it started; else by the words.
        value: (r) => (r.startedAt ? -Date.parse(r.startedAt) : r.uptime),
        text: (r) => r.uptime ?? '',
        render: (r) => (r.uptime ? <span title={r.startedAt ? `since ${new Date(r.startedAt).toLocaleString()}` : undefined}>{r.uptime}</span> : <span className="muted">—</span>),
        hidden: true,
      },
      {
        key: 'memory',
        label: 'Memory',
        numeric: true,
        wide: true,
        value: (r) => r.memoryBytes,
        text: (r) => (r.memoryBytes !== undefined ? formatBytes(r.memoryBytes) : ''),
        render: (r) => (r.memoryBytes !== undefined ? <span title={r.memoryFrom === 'runtime' ? 'in use now (its memory cgroup, as of the last refresh)' : 'as of the last checkpoint'}>{formatBytes(r.memoryBytes)}</span> : <span className="muted">—</span>),
      },
      {
        key: 'canCheckpoint',
        label: 'Can checkpoint',
        wide: true,
        className: 'narrow-head',
        value: (r) => r.canCheckpoint,
        text: (r) => (r.canCheckpoint ? 'yes' : `no: ${r.cannotWhy ?? ''}`),
        render: (r) => (r.canCheckpoint ? <span className="good">yes</span> : <span className="muted" title={r.cannotWhy}>no</span>),
      },
      // The count, with when the last was taken as a link to the container's timeline; each is a column in Copy.
      { key: 'last', label: 'Last checkpoint', value: (r) => r.lastCheckpoint?.created, hidden: true },
      {
        key: 'checkpoints',
        label: 'Checkpoints',
        value: (r) => r.checkpointCount,
        className: 'nowrap',
        render: (r) =>
          r.lastCheckpoint && r.lineage ? (
            <>
              <span className="primary-text">{r.checkpointCount}</span>
              <a className="secondary-text" href={links.timeline(r.lineage)} aria-label={`Timeline of ${r.name} on ${r.hostName}`} title={`last: ${r.lastCheckpoint.id}`}>
                last {formatAgo(r.lastCheckpoint.created, now)}
              </a>
            </>
          ) : (
            <span className="muted">none</span>
          ),
      },
    ],
    [now],
  );
  return (
    <section aria-labelledby="containers-title">
      <header className="view-header">
        <h1 id="containers-title" tabIndex={-1}>
          All containers
        </h1>
        <span className="muted">{hosts.length} hosts</span>
        <div className="header-actions">
          <button type="button" onClick={() => void refreshAll()} disabled={loading}>
            {loading ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </header>
      <ul className="host-chips" aria-label="Hosts">
        {availability.map((a) => (
          <li key={a.hostId} className={`chip ${a.state}`} title={a.message}>
            <span className={`dot ${a.state === 'ok' ? 'ok' : a.state === 'down' ? 'unreachable' : 'unknown'}`} aria-hidden />
            <a href={links.host(a.hostId)}>{a.name}</a>
            <span className="muted">{a.state === 'loading' ? 'connecting…' : a.state === 'down' ? 'down' : plural(rows.filter((r) => r.hostId === a.hostId).length, 'container')}</span>
          </li>
        ))}
      </ul>
      <DataTable
        label="All containers"
        columns={columns}
        rows={shown}
        rowKey={(r) => r.key}
        initialSort={{ key: 'name', dir: 'asc' }}
        onOpen={(r) => navigate(r.lineage ? links.timeline(r.lineage) : links.host(r.hostId))}
        toolbar={
          <>
            <input
              type="search"
              className="search"
              data-search
              placeholder="Search name, image, host…  ( / )"
              aria-label="Search containers"
              value={route.q ?? ''}
              onChange={(e) => setFilter({ q: e.target.value || undefined }, true)}
            />
            <select aria-label="Filter by host" value={route.host ?? ''} onChange={(e) => setFilter({ host: e.target.value || undefined })}>
              <option value="">All hosts</option>
              {hosts.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
            </select>
            <select aria-label="Filter by runtime" value={route.runtime ?? ''} onChange={(e) => setFilter({ runtime: e.target.value || undefined })}>
              <option value="">All runtimes</option>
              {runtimes.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <select aria-label="Filter by state" value={route.state ?? ''} onChange={(e) => setFilter({ state: e.target.value || undefined })}>
              <option value="">All states</option>
              {states.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </>
        }
        actions={(r) => (
          <>
            <ContainerRowActions
              showTimeline={false}
              c={r}
              canCheckpoint={r.canCheckpoint}
              cannotWhy={r.cannotWhy}
              onCheckpoint={() => setTarget({ hostId: r.hostId, runtime: r.runtime, name: r.name || r.id })}
            />
          </>
        )}
        empty={
          rows.length === 0 ? (
            loading ? (
              <p className="muted">Asking every host for its containers…</p>
            ) : (
              <p className="muted">
                No containers on any host. Start one (<code className="mono">podman run -d --name web nginx</code>), add an SSH host with <b>+ Add host…</b>, or
                import one from <a href={links.sshConfig()}>your SSH config</a>.
              </p>
            )
          ) : (
            <p className="muted">
              No container matches these filters. <a href={links.containers()}>Show all</a>.
            </p>
          )
        }
      />
      {target && <CheckpointDialog target={target} onClose={() => setTarget(undefined)} />}
    </section>
  );
}
