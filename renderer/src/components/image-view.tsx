import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { MemSource } from '../../../shared/api/contract';
import type { ReportSummary } from '../../../shared/domain/report-parts';
import { SAMPLE_CHECKPOINT } from '../../../shared/inspect/sample';
import { escapeControl, escapeControlKeepLines } from '../../../shared/text/escape';
import { hostLabel } from '../format';
import { links, navigate } from '../router';
import { useStasis } from '../store';
import { ImageStoreProvider, useImage, type ImageSource, type Part } from '../store/image-store';
import { formatBytes } from '../format';
import { EnvTable, FdTable, MemoryMapTable, peersByFd, RootfsTree, SocketTable, StatsView, type JumpTo } from './image-tables';
import { MemoryPanel } from './memory-panel';
import { ProcessTree } from './process-tree';
import { LeftOutNote } from './lost-processes';
import { ProcessExtras } from './image-extra-process';
import { extrasCount, ReportExtras } from './image-extra-report';
import { storedArchivePath } from '../../../shared/domain/checkpoint-location';
import { StoredPicker, parsePick, pickKey } from './stored-picker';
import { OpenFileControls } from './open-file';

type InspectReportData = ReportSummary;
type Process = ReportSummary['processes'][number];
type Tab = 'processes' | 'sockets' | 'held' | 'mounts' | 'stats' | 'container';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="cap-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Where the open report came from, for the requests that read its memory. */
interface ReportOrigin {
  key: string;
  source: MemSource;
}

function ProcessDetail({ p, origin, focusFd, onJump }: { p: Process; origin: ReportOrigin; focusFd: number | undefined; onJump: JumpTo }) {
  const namespaces = Object.entries(p.namespaces);
  // Its fds, environment and memory map are read when it is shown (images.process), once per open image.
  const loadProcess = useImage((s) => s.loadProcess);
  const part = useImage((s) => s.parts[p.pid]);
  useEffect(() => {
    void loadProcess(p.pid);
  }, [loadProcess, p.pid]);
  const parts = part?.value;
  const peers = useMemo(() => peersByFd(parts?.peers ?? []), [parts]);
  return (
    <div className="detail" aria-label={`Process ${p.pid}`}>
      <h2>
        {escapeControl(p.comm)} <span className="muted">pid {p.pid}</span>
      </h2>
      <dl className="caps">
        <Field label="Command line">
          {p.cmdline.length ? (
            <code className="mono">{escapeControl(p.cmdline.join(' '))}</code>
          ) : (
            <span className="muted">not available: it is read from the memory pages, which stored checkpoints do not send for browsing</span>
          )}
        </Field>
        <Field label="State">
          {p.state}
          {p.exitCode !== undefined ? ` (exit ${p.exitCode})` : ''}
        </Field>
        <Field label="Parent, group, session">
          {p.ppid} · {p.pgid} · {p.sid}
        </Field>
        <Field label="Threads">{p.threads.join(', ')}</Field>
        {p.exe && <Field label="Executable">{escapeControl(p.exe)}</Field>}
        <Field label="cwd / root">
          {escapeControl(p.cwd ?? '?')} · {escapeControl(p.root ?? '?')}
        </Field>
        {p.uid !== undefined && (
          <Field label="uid / gid">
            {p.uid} / {p.gid ?? '?'}
          </Field>
        )}
        <Field label="Memory">
          {formatBytes(p.memory.rssBytes)} resident of {formatBytes(p.memory.sizeBytes)} in {p.memory.vmas} mappings
        </Field>
        <Field label="Namespaces">
          {namespaces.length ? (
            <span className="mono">{namespaces.map(([k, v]) => `${k} ${v}`).join(' · ')}</span>
          ) : (
            <span className="muted">not recorded in this image</span>
          )}
        </Field>
        {p.seccomp !== undefined && <Field label="seccomp">{p.seccomp}</Field>}
      </dl>
      <h3>Search memory</h3>
      {p.memory.vmas > 0 ? (
        <MemoryPanel imageKey={origin.key} source={origin.source} pid={p.pid} />
      ) : (
        <p className="muted">This process has no memory in the checkpoint (a zombie, or a thread).</p>
      )}
      <h3>Open files ({p.fdCount})</h3>
      {parts ? (
        <FdTable pid={p.pid} fds={parts.fds} peers={peers} focusFd={focusFd} onJump={onJump} />
      ) : (
        <PartState part={part} what="open files" />
      )}
      {parts?.environ && (
        <>
          <h3>Environment ({parts.environ.length})</h3>
          <EnvTable environ={parts.environ} />
        </>
      )}
      <h3>Memory map ({p.memory.mapCount})</h3>
      {parts ? <MemoryMapTable map={parts.map} exe={p.exe} /> : <PartState part={part} what="memory map" />}
      {parts && <ProcessExtras p={parts} />}
    </div>
  );
}

/** A part of the report still being read, or why it could not be. */
function PartState({ part, what }: { part: Part<unknown> | undefined; what: string }) {
  if (part?.error) {
    return (
      <div className="banner error" role="alert">
        {escapeControlKeepLines(part.error)}
      </div>
    );
  }
  return <p className="muted">Reading the {what}…</p>;
}

/** Every socket, read when the tab is first shown (images.sockets). */
function Sockets({ onJump }: { onJump: JumpTo }) {
  const loadSockets = useImage((s) => s.loadSockets);
  const sockets = useImage((s) => s.sockets);
  useEffect(() => {
    void loadSockets();
  }, [loadSockets]);
  return sockets.value ? <SocketTable sockets={sockets.value} onJump={onJump} /> : <PartState part={sockets} what="sockets" />;
}

function Mounts({ r }: { r: InspectReportData }) {
  return (
    <table className="table compact" aria-label="Mounts">
      <thead>
        <tr>
          <th>mount point</th>
          <th>type</th>
          <th>source</th>
          <th>options</th>
        </tr>
      </thead>
      <tbody>
        {r.mounts.map((m) => (
          <tr key={m.id}>
            <td className="mono">{m.mountpoint}</td>
            <td>{m.fstype}</td>
            <td className="mono">{m.source}</td>
            <td className="mono muted">{m.options}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Stats({ r }: { r: InspectReportData }) {
  if (!r.stats) return <p className="muted">This checkpoint has no CRIU statistics (stats-dump).</p>;
  return <StatsView stats={r.stats} />;
}

function Container({ r }: { r: InspectReportData }) {
  const c = r.container;
  if (!c) return <p className="muted">Not a container checkpoint: a plain CRIU image.</p>;
  const changes = c.rootfsChanges;
  return (
    <>
      <dl className="caps" aria-label="Container">
        <Field label="Name">{escapeControl(c.name ?? '—')}</Field>
        <Field label="Image">{escapeControl(c.image ?? '—')}</Field>
        <Field label="Command">
          <code className="mono">{escapeControl(c.command?.join(' ') ?? '—')}</code>
        </Field>
        <Field label="Created">{escapeControl(c.created ?? '—')}</Field>
        <Field label="Checkpointed">{escapeControl(c.checkpointed ?? '—')}</Field>
        <Field label="Runtime">{escapeControl([c.engine, c.runtime].filter(Boolean).join(' · ') || '—')}</Field>
        {c.criuVersion && <Field label="CRIU">{escapeControl(c.criuVersion)}</Field>}
      </dl>
      {changes && (
        <>
          <h3>
            File system changes: {changes.added.length} added or changed, {changes.deleted.length} deleted
          </h3>
          <RootfsTree added={changes.added} deleted={changes.deleted} />
        </>
      )}
    </>
  );
}

function Report({ r, origin }: { r: InspectReportData; origin: ReportOrigin }) {
  const [tab, setTab] = useState<Tab>('processes');
  const [pid, setPid] = useState<number | undefined>(r.processes[0]?.pid);
  // The fd a jump (a socket's peer, a holder) went to: scrolled into view and marked in the fd table.
  const [focusFd, setFocusFd] = useState<number | undefined>();
  const selected = useMemo(() => r.processes.find((p) => p.pid === pid), [r.processes, pid]);
  const jump = useCallback<JumpTo>((to) => {
    setTab('processes');
    setPid(to.pid);
    setFocusFd(to.fd);
  }, []);
  const select = useCallback((next: number) => {
    setPid(next);
    setFocusFd(undefined);
  }, []);
  const tabs: [Tab, string][] = [
    ['processes', `Processes (${r.processes.length})`],
    ['sockets', `Sockets (${r.socketCount})`],
    ['held', `Deleted, locks, IPC (${extrasCount(r)})`],
    ['mounts', `Mounts (${r.mounts.length})`],
    ['stats', 'Statistics'],
    ['container', 'Container'],
  ];
  return (
    <>
      <p className="muted">
        {r.source.format} · {r.source.layout}
        {r.unlinkedFiles.length > 0 && ` · ${r.unlinkedFiles.length} unlinked files held open`}
        {r.undecoded.length > 0 && ` · ${r.undecoded.length} image files not decoded (${r.undecoded.map((u) => u.file).join(', ')})`}
      </p>
      <div className="tabs" role="tablist">
        {tabs.map(([t, label]) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'tab active' : 'tab'} onClick={() => setTab(t)}>
            {label}
          </button>
        ))}
      </div>
      {tab === 'processes' && (
        <div className="split">
          <ProcessTree processes={r.processes} selected={pid} onSelect={select} />
          {selected ? (
            <ProcessDetail key={selected.pid} p={selected} origin={origin} focusFd={focusFd} onJump={jump} />
          ) : (
            <p className="muted">Select a process.</p>
          )}
        </div>
      )}
      {tab === 'sockets' && <Sockets onJump={jump} />}
      {tab === 'held' && <ReportExtras r={r} onJump={jump} />}
      {tab === 'mounts' && <Mounts r={r} />}
      {tab === 'stats' && <Stats r={r} />}
      {tab === 'container' && <Container r={r} />}
    </>
  );
}

/**
 * The image browser for one checkpoint. The route names it (a path, or a host and checkpoint id); a store is made for
 * it here and dropped when the view closes or the route names another (the route keys this component).
 * Props stay `{ path, stored }`; the report and memory panels come from `useImage(selector)` (store/image-store.ts).
 */
export function ImageView({ path: initial, stored }: { path: string | undefined; stored?: { hostId: string; checkpointId: string } | undefined }) {
  const newImageStore = useStasis((s) => s.newImageStore);
  const recent = useStasis((s) => s.recentImages);
  const source: ImageSource | undefined = stored ?? (initial ? { path: initial } : undefined);
  // One store per open image, made once for this view's life (the route's key remounts the view for another image).
  const [store] = useState(() => (source ? newImageStore(source) : undefined));
  const [path, setPath] = useState(initial ?? '');
  useEffect(() => {
    void store?.getState().load();
  }, [store]);
  // A checkpoint this tab uploaded is removed from the server once no view shows it (store/open-file-slice.ts).
  const imageOpened = useStasis((s) => s.imageOpened);
  const imageClosed = useStasis((s) => s.imageClosed);
  useEffect(() => {
    if (stored || !initial) return undefined;
    imageOpened(initial);
    return () => imageClosed(initial);
  }, [stored, initial, imageOpened, imageClosed]);
  return (
    <section aria-labelledby="image-title">
      <header className="view-header">
        <h1 id="image-title" tabIndex={-1}>
          Look inside a checkpoint
        </h1>
        {stored && (
          <span className="muted mono">
            {stored.checkpointId} on {hostLabel(stored.hostId)}
          </span>
        )}
      </header>
      {stored && <StoredWhere hostId={stored.hostId} checkpointId={stored.checkpointId} />}
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) navigate(links.imageFile(path.trim()));
        }}
      >
        <input
          className="path-input mono"
          type="text"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/path/to/checkpoint.tar.zst or an image directory"
          aria-label="Checkpoint path"
          list="recent-images"
        />
        <datalist id="recent-images">
          {recent.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <button type="submit" className="primary" disabled={!path.trim()}>
          Open
        </button>
      </form>
      <div className="toolbar">
        <StoredPicker
          label="Stored checkpoint to look inside"
          value={stored ? pickKey({ hostId: stored.hostId, id: stored.checkpointId }) : ''}
          onChange={(v) => {
            const pick = parsePick(v);
            if (pick) navigate(links.imageStored(pick.hostId, pick.checkpointId));
          }}
        />
      </div>
      {store ? (
        <ImageStoreProvider store={store}>
          {/* A path cleared from the field takes its old error with it. */}
          <OpenImage hideProblem={!stored && !path.trim()} />
        </ImageStoreProvider>
      ) : (
        <div className="empty-state">
          <p className="muted">
            Type the path of a checkpoint archive (.tar, .tar.gz, .tar.zst) or a CRIU image directory on this computer, or press Look inside on a stored
            checkpoint (a host&apos;s page, a timeline).
          </p>
          <p>
            <a className="button-like" href={links.imageFile(SAMPLE_CHECKPOINT)}>
              Open the sample
            </a>{' '}
            <span className="muted">a small busybox container checkpointed by Stasis: a shell, files held open (one deleted), a fifo, an environment</span>
          </p>
          <OpenFileControls />
        </div>
      )}
    </section>
  );
}

/** Where a stored checkpoint lives on its host, and what it left out, from the host's list of checkpoints. */
function StoredWhere({ hostId, checkpointId }: { hostId: string; checkpointId: string }) {
  const k = useStasis((s) => s.listings[hostId]?.checkpoints.find((c) => c.id === checkpointId));
  if (!k) return null;
  return (
    <div className="stored-where">
      <p className="muted">
        Stored on {hostLabel(hostId)} at <code className="mono">{storedArchivePath(k)}</code>
      </p>
      {k.leftOut && (
        <p>
          <LeftOutNote record={k.leftOut} />
        </p>
      )}
    </div>
  );
}

/** The open image's report, read from its store. */
function OpenImage({ hideProblem = false }: { hideProblem?: boolean }) {
  const loading = useImage((s) => s.loading);
  const problem = useImage((s) => s.problem);
  const report = useImage((s) => s.report);
  const key = useImage((s) => s.key);
  const source = useImage((s) => s.source);
  return (
    <>
      {loading && <p className="muted">Reading the checkpoint…</p>}
      {problem && !hideProblem && (
        <div className="banner error" role="alert">
          {escapeControlKeepLines(problem.message)}
          {problem.detail && <pre className="mono detail">{escapeControlKeepLines(problem.detail)}</pre>}
        </div>
      )}
      {report && <Report r={report} origin={{ key, source }} />}
    </>
  );
}
