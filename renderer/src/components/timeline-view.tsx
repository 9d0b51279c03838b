import { useEffect, useMemo, useRef, useState } from 'react';
import type { Checkpoint } from '../../../shared/domain/checkpoint';
import { escapeControl } from '../../../shared/text/escape';
import { formatBytes, hostLabel } from '../format';
import { links, navigate } from '../router';
import { useStasis } from '../store';
import { lineageCheckpoints } from '../store/selectors';
import { DataTable, type Column } from '../ui/data-table';
import { DeleteDialog, RestoreDialog } from './checkpoint-actions';
import { chartUnit, TimelineChart, type ChartPoint } from './timeline-chart';
import { LeftOutNote } from './lost-processes';

/** One thing that happened to the workload: a stored checkpoint, or a restore / migration run in this session. */
interface TimelineEvent {
  key: string;
  at: string;
  kind: string;
  hostId: string;
  checkpoint?: Checkpoint;
  text: string;
  frozenMs?: number;
}

function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(280, Math.floor(el.clientWidth))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/** A container's life across hosts: every checkpoint (and restore or migration) of its lineage on one time axis. */
export function TimelineView({ lineage }: { lineage: string }) {
  const listings = useStasis((s) => s.listings);
  const hosts = useStasis((s) => s.hosts);
  const jobs = useStasis((s) => s.jobs);
  const facts = useStasis((s) => s.facts);
  const loadFacts = useStasis((s) => s.loadFacts);
  const loading = useStasis((s) => s.hosts.some((h) => s.listings[h.id]?.loadedAt === undefined && !s.listings[h.id]?.problem));
  const checkpoints = useMemo(() => lineageCheckpoints(listings, lineage), [listings, lineage]);
  const [picked, setPicked] = useState<string[]>([]);
  const [restoring, setRestoring] = useState<Checkpoint>();
  const [deleting, setDeleting] = useState<Checkpoint>();
  const [chartBox, width] = useWidth();
  useEffect(() => {
    for (const k of checkpoints) void loadFacts(k.hostId, k.id);
  }, [checkpoints, loadFacts]);

  const hostName = (id: string): string => hostLabel(id, hosts.find((h) => h.id === id)?.name);
  const events: TimelineEvent[] = useMemo(() => {
    const out: TimelineEvent[] = checkpoints.map((k) => {
      const frozenMs = facts[`${k.hostId}:${k.id}`]?.frozenMs;
      return { key: `${k.hostId}:${k.id}`, at: k.created, kind: k.kind === 'pre' ? 'pre-dump' : 'checkpoint', hostId: k.hostId, checkpoint: k, text: k.note || k.id, ...(frozenMs !== undefined ? { frozenMs } : {}) };
    });
    for (const j of Object.values(jobs)) {
      if (j.lineage !== lineage || j.kind === 'checkpoint' || j.kind === 'delete' || j.state !== 'done') continue;
      out.push({ key: j.id, at: new Date(j.endedAt ?? j.startedAt).toISOString(), kind: j.kind, hostId: j.hostId, text: j.summary ?? j.title });
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }, [checkpoints, jobs, lineage, facts]);

  const unit = chartUnit(Math.max(0, ...checkpoints.map((k) => Math.max(k.sizes.archive, k.sizes.pages))));
  const points: ChartPoint[] = useMemo(
    () =>
      checkpoints.map((k) => ({
        t: Date.parse(k.created) / 1000,
        size: k.sizes.archive / unit.bytes,
        memory: k.sizes.pages ? k.sizes.pages / unit.bytes : null,
        frozenMs: facts[`${k.hostId}:${k.id}`]?.frozenMs ?? null,
      })),
    [checkpoints, facts, unit.bytes],
  );

  const pickedCheckpoints = picked.map((key) => events.find((e) => e.key === key)?.checkpoint).filter((k): k is Checkpoint => !!k);
  const toggle = (key: string): void => setPicked((p) => (p.includes(key) ? p.filter((x) => x !== key) : [...p, key].slice(-2)));
  const [one, two] = pickedCheckpoints;
  const name = checkpoints[checkpoints.length - 1]?.container.name;
  const hostsInvolved = [...new Set(events.map((e) => e.hostId))];

  const columns: Column<TimelineEvent>[] = [
    {
      key: 'pick',
      label: 'Pick',
      value: (e) => picked.includes(e.key),
      render: (e) =>
        e.checkpoint ? <input type="checkbox" checked={picked.includes(e.key)} onChange={() => toggle(e.key)} aria-label={`Pick ${e.checkpoint.id}`} /> : null,
    },
    { key: 'at', label: 'When', value: (e) => e.at, render: (e) => new Date(e.at).toLocaleString() },
    { key: 'kind', label: 'What', value: (e) => e.kind, render: (e) => <span className={`tag kind-${e.kind}`}>{e.kind}</span> },
    { key: 'host', label: 'Host', value: (e) => hostName(e.hostId) },
    { key: 'size', label: 'Size', numeric: true, value: (e) => e.checkpoint?.sizes.archive, text: (e) => (e.checkpoint ? formatBytes(e.checkpoint.sizes.archive) : ''), render: (e) => (e.checkpoint ? formatBytes(e.checkpoint.sizes.archive) : '—') },
    { key: 'memory', label: 'Memory', numeric: true, value: (e) => e.checkpoint?.sizes.pages, text: (e) => (e.checkpoint ? formatBytes(e.checkpoint.sizes.pages) : ''), render: (e) => (e.checkpoint?.sizes.pages ? formatBytes(e.checkpoint.sizes.pages) : '—') },
    { key: 'frozen', label: 'Frozen', numeric: true, value: (e) => e.frozenMs, render: (e) => (e.frozenMs !== undefined ? `${e.frozenMs.toFixed(0)} ms` : '—') },
    { key: 'text', label: 'Checkpoint / note', value: (e) => e.text, className: 'ellipsis', render: (e) => (
        <span title={escapeControl(e.text)}>
          {e.checkpoint?.note ? escapeControl(e.checkpoint.note) : <span className="mono">{escapeControl(e.text)}</span>}
          {e.checkpoint?.leftOut && (
            <>
              {' '}
              <LeftOutNote record={e.checkpoint.leftOut} />
            </>
          )}
        </span>
      ) },
  ];

  return (
    <section aria-labelledby="timeline-title">
      <header className="view-header">
        <h1 id="timeline-title" tabIndex={-1}>
          Timeline{name ? ` of ${name}` : ''}
        </h1>
        <span className="muted">
          {checkpoints.length} checkpoints{hostsInvolved.length ? ` on ${hostsInvolved.map(hostName).join(', ')}` : ''}
        </span>
      </header>
      {events.length === 0 ? (
        <div className="empty-state">
          <p className="muted">
            {loading
              ? 'Asking every host for its checkpoints…'
              : 'No checkpoints of this workload on any host Stasis can reach. Take one with Checkpoint… on its row in All containers.'}{' '}
            <a href={links.containers()}>All containers</a>
          </p>
        </div>
      ) : (
        <>
          <div ref={chartBox} className="chart-box">
            <TimelineChart
              points={points}
              unit={unit.label}
              width={width}
              onPick={(i) => {
                const k = checkpoints[i];
                if (k) toggle(`${k.hostId}:${k.id}`);
              }}
            />
          </div>
          <div className="toolbar pick-bar" role="toolbar" aria-label="Picked checkpoints">
            <span className="muted">
              {pickedCheckpoints.length === 0 ? 'Pick one to open, restore or delete; two to compare.' : `${pickedCheckpoints.length} picked`}
            </span>
            <button type="button" disabled={pickedCheckpoints.length !== 1} onClick={() => one && navigate(links.imageStored(one.hostId, one.id))}>
              Look inside
            </button>
            <button
              type="button"
              disabled={pickedCheckpoints.length !== 2}
              onClick={() => {
                if (!one || !two) return;
                const [a, b] = one.created <= two.created ? [one, two] : [two, one];
                // Two hosts: each reads its own checkpoint without its pages and the main side compares them.
                navigate(links.diffStored(a.hostId, a.id, b.id, b.hostId));
              }}
            >
              Compare
            </button>
            <button type="button" disabled={pickedCheckpoints.length !== 1} onClick={() => setRestoring(one)}>
              Restore…
            </button>
            <button type="button" disabled={pickedCheckpoints.length !== 1} onClick={() => setDeleting(one)}>
              Delete…
            </button>
          </div>
          <DataTable
            label="Timeline"
            columns={columns}
            rows={events}
            rowKey={(e) => e.key}
            initialSort={{ key: 'at', dir: 'asc' }}
            onOpen={(e) => e.checkpoint && toggle(e.key)}
          />
        </>
      )}
      {restoring && (
        <RestoreDialog
          anyHost
          checkpoint={restoring}
          onClose={() => {
            setRestoring(undefined);
          }}
        />
      )}
      {deleting && (
        <DeleteDialog
          checkpoint={deleting}
          onClose={() => {
            setDeleting(undefined);
            setPicked([]);
          }}
        />
      )}
    </section>
  );
}
