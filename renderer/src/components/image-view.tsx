import { useEffect, useState, type ReactNode } from 'react';
import type { MemSource } from '../../../shared/api/contract';
import type { InspectReportData } from '../../../shared/domain/inspect-report';
import { hostLabel } from '../format';
import { links, navigate } from '../router';
import { useStasis } from '../store';
import { ImageStoreProvider, useImage, type ImageSource } from '../store/image-store';
import { formatBytes } from '../format';
import { MemoryPanel } from './memory-panel';
import { ProcessTree } from './process-tree';

type Process = InspectReportData['processes'][number];
type Tab = 'processes' | 'sockets' | 'mounts' | 'stats' | 'container';

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

function ProcessDetail({ p, origin }: { p: Process; origin: ReportOrigin }) {
  const [showEnv, setShowEnv] = useState(false);
  return (
    <div className="detail" aria-label={`Process ${p.pid}`}>
      <h2>
        {p.comm} <span className="muted">pid {p.pid}</span>
      </h2>
      <dl className="caps">
        <Field label="Command line">
          {p.cmdline.length ? (
            <code className="mono">{p.cmdline.join(' ')}</code>
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
        {p.exe && <Field label="Executable">{p.exe}</Field>}
        <Field label="cwd / root">
          {p.cwd ?? '?'} · {p.root ?? '?'}
        </Field>
        {p.uid !== undefined && (
          <Field label="uid / gid">
            {p.uid} / {p.gid ?? '?'}
          </Field>
        )}
        <Field label="Memory">
          {formatBytes(p.memory.rssBytes)} resident of {formatBytes(p.memory.sizeBytes)} in {p.memory.vmas} mappings
        </Field>
        {p.environ && (
          <Field label="Environment">
            <button type="button" className="link-button" onClick={() => setShowEnv(!showEnv)}>
              {showEnv ? 'hide' : `show ${p.environ.length} variables`}
            </button>
            {showEnv && <pre className="mono env">{p.environ.join('\n')}</pre>}
          </Field>
        )}
      </dl>
      <h3>Search memory</h3>
      {p.memory.vmas > 0 ? (
        <MemoryPanel imageKey={origin.key} source={origin.source} pid={p.pid} />
      ) : (
        <p className="muted">This process has no memory in the checkpoint (a zombie, or a thread).</p>
      )}
      <h3>Open files ({p.fds.length})</h3>
      <table className="table compact" aria-label="Open files">
        <thead>
          <tr>
            <th>fd</th>
            <th>type</th>
            <th>what</th>
          </tr>
        </thead>
        <tbody>
          {p.fds.map((f) => (
            <tr key={f.fd}>
              <td className="mono">{f.fd}</td>
              <td className="mono">{f.type}</td>
              <td>
                {f.description}
                {f.unlinked && <span className="tag zombie">unlinked</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Memory map ({p.memory.map.length})</h3>
      <table className="table compact" aria-label="Memory map">
        <thead>
          <tr>
            <th>range</th>
            <th>prot</th>
            <th>size</th>
            <th>resident</th>
            <th>mapping</th>
          </tr>
        </thead>
        <tbody>
          {p.memory.map.map((v) => (
            <tr key={v.start}>
              <td className="mono">
                {v.start}–{v.end}
              </td>
              <td className="mono">{v.prot}</td>
              <td>{formatBytes(v.sizeBytes)}</td>
              <td>{formatBytes(v.rssBytes)}</td>
              <td>{v.path ?? <span className="muted">{v.kind}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Sockets({ r }: { r: InspectReportData }) {
  const holders = (hs: { pid: number; fd: number }[]): string => hs.map((h) => `pid ${h.pid} fd ${h.fd}`).join(', ') || '—';
  return (
    <table className="table compact" aria-label="Sockets">
      <thead>
        <tr>
          <th>kind</th>
          <th>type</th>
          <th>state</th>
          <th>local</th>
          <th>peer</th>
          <th>held by</th>
        </tr>
      </thead>
      <tbody>
        {r.sockets.map((s) => (
          <tr key={s.id}>
            <td>{s.kind}</td>
            <td>{s.type}</td>
            <td>{s.state}</td>
            <td className="mono">{s.local ?? '—'}</td>
            <td className="mono">{s.remote ?? (s.peer ? holders(s.peer.holders) : '—')}</td>
            <td>{holders(s.holders)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
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
  return (
    <dl className="caps" aria-label="CRIU statistics">
      {Object.entries(r.stats).map(([k, v]) => (
        <Field key={k} label={k}>
          {/time/i.test(k) ? `${(v / 1000).toFixed(1)} ms` : v.toLocaleString()}
        </Field>
      ))}
    </dl>
  );
}

function Container({ r }: { r: InspectReportData }) {
  const c = r.container;
  if (!c) return <p className="muted">Not a container checkpoint: a plain CRIU image.</p>;
  const changes = c.rootfsChanges;
  return (
    <>
      <dl className="caps" aria-label="Container">
        <Field label="Name">{c.name ?? '—'}</Field>
        <Field label="Image">{c.image ?? '—'}</Field>
        <Field label="Command">
          <code className="mono">{c.command?.join(' ') ?? '—'}</code>
        </Field>
        <Field label="Created">{c.created ?? '—'}</Field>
        <Field label="Checkpointed">{c.checkpointed ?? '—'}</Field>
        <Field label="Runtime">{[c.engine, c.runtime].filter(Boolean).join(' · ') || '—'}</Field>
        {c.criuVersion && <Field label="CRIU">{c.criuVersion}</Field>}
      </dl>
      {changes && (
        <>
          <h3>
            File system changes: {changes.added.length} added or changed, {changes.deleted.length} deleted
          </h3>
          <table className="table compact" aria-label="File system changes">
            <tbody>
              {changes.added.map((f) => (
                <tr key={`a${f.path}`}>
                  <td className="good">+</td>
                  <td className="mono">{f.path}</td>
                  <td>{formatBytes(f.size)}</td>
                </tr>
              ))}
              {changes.deleted.map((p) => (
                <tr key={`d${p}`}>
                  <td className="bad">−</td>
                  <td className="mono">{p}</td>
                  <td />
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}

function Report({ r, origin }: { r: InspectReportData; origin: ReportOrigin }) {
  const [tab, setTab] = useState<Tab>('processes');
  const [pid, setPid] = useState<number | undefined>(r.processes[0]?.pid);
  const selected = r.processes.find((p) => p.pid === pid);
  const tabs: [Tab, string][] = [
    ['processes', `Processes (${r.processes.length})`],
    ['sockets', `Sockets (${r.sockets.length})`],
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
          <ProcessTree processes={r.processes} selected={pid} onSelect={setPid} />
          {selected ? <ProcessDetail key={selected.pid} p={selected} origin={origin} /> : <p className="muted">Select a process.</p>}
        </div>
      )}
      {tab === 'sockets' && <Sockets r={r} />}
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
      {store ? (
        <ImageStoreProvider store={store}>
          <OpenImage />
        </ImageStoreProvider>
      ) : (
        <div className="empty-state">
          <p className="muted">
            Type the path of a checkpoint archive (.tar, .tar.gz, .tar.zst) or a CRIU image directory on this computer, or press Look inside on a stored
            checkpoint (a host&apos;s page, a timeline).
          </p>
        </div>
      )}
    </section>
  );
}

/** The open image's report, read from its store. */
function OpenImage() {
  const loading = useImage((s) => s.loading);
  const problem = useImage((s) => s.problem);
  const report = useImage((s) => s.report);
  const key = useImage((s) => s.key);
  const source = useImage((s) => s.source);
  return (
    <>
      {loading && <p className="muted">Reading the checkpoint…</p>}
      {problem && (
        <div className="banner error" role="alert">
          {problem.message}
        </div>
      )}
      {report && <Report r={report} origin={{ key, source }} />}
    </>
  );
}
