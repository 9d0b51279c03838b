import { useEffect, useState } from 'react';
import type { ReportDiffData } from '../../../shared/domain/report-diff';
import { identicalText } from '../../../shared/inspect/diff';
import { escapeControl, escapeControlKeepLines } from '../../../shared/text/escape';
import { formatBytes, hostLabel } from '../format';
import { links, navigate } from '../router';
import { useStasis } from '../store';
import { diffKey, type DiffSource } from '../store/documents-slice';
import { TableCopy } from '../ui/table-copy';
import { StoredPicker, parsePick, pickKey } from './stored-picker';

const signed = (n: number): string => (n > 0 ? `+${formatBytes(n)}` : n < 0 ? `−${formatBytes(-n)}` : '±0');
const show = (v: unknown): string => escapeControl(Array.isArray(v) ? v.join(' ') : String(v ?? '—'));

type Brief = ReportDiffData['processes']['added'][number];

/** A process that is only in one of the two checkpoints. */
function BriefRow({ p, sign }: { p: Brief; sign: '+' | '−' }) {
  return (
    <tr>
      <td className={sign === '+' ? 'good' : 'bad'}>{sign}</td>
      <td className="mono">{p.pid}</td>
      <td>
        {escapeControl(p.comm)} <span className="muted mono">{escapeControl(p.cmdline.join(' '))}</span>
      </td>
      <td>
        {p.fds} fds · {formatBytes(p.rssBytes)}
      </td>
    </tr>
  );
}

function Processes({ d }: { d: ReportDiffData }) {
  const { added, removed, changed } = d.processes;
  if (!added.length && !removed.length && !changed.length) return <p className="muted">The same processes, unchanged.</p>;
  return (
    <table className="table compact" aria-label="Process changes">
      <tbody>
        {added.map((p) => (
          <BriefRow key={`a${p.pid}`} p={p} sign="+" />
        ))}
        {removed.map((p) => (
          <BriefRow key={`r${p.pid}`} p={p} sign="−" />
        ))}
        {changed.map((p) => (
          <tr key={`c${p.pid}`}>
            <td>~</td>
            <td className="mono">{p.pid}</td>
            <td>
              {escapeControl(p.comm)}
              <ul className="changes">
                {p.changes.map((c) => (
                  <li key={c.field}>
                    {c.field}: <span className="mono">{show(c.before)}</span> → <span className="mono">{show(c.after)}</span>
                  </li>
                ))}
                {p.fds.added.map((f) => (
                  <li key={`fa${f.fd}`} className="good">
                    + fd {f.fd}: {escapeControl(f.description)}
                  </li>
                ))}
                {p.fds.removed.map((f) => (
                  <li key={`fr${f.fd}`} className="bad">
                    − fd {f.fd}: {escapeControl(f.description)}
                  </li>
                ))}
                {p.fds.changed.map((f) => (
                  <li key={`fc${f.fd}`}>
                    ~ fd {f.fd}: {escapeControl(f.before.description)} → {escapeControl(f.after.description)}
                  </li>
                ))}
              </ul>
            </td>
            <td>{signed(p.memory.rssDelta)} resident</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Memory({ d }: { d: ReportDiffData }) {
  return (
    <table className="table compact" aria-label="Memory growth">
      <thead>
        <tr>
          <th>pid</th>
          <th>process</th>
          <th>resident before</th>
          <th>after</th>
          <th>change</th>
          <th>mapped change</th>
        </tr>
      </thead>
      <tbody>
        {d.memory.map((m) => (
          <tr key={m.pid}>
            <td className="mono">{m.pid}</td>
            <td>{escapeControl(m.comm)}</td>
            <td>{formatBytes(m.rssBefore)}</td>
            <td>{formatBytes(m.rssAfter)}</td>
            <td className={m.rssDelta > 0 ? 'bad' : m.rssDelta < 0 ? 'good' : ''}>{signed(m.rssDelta)}</td>
            <td>{signed(m.sizeDelta)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Two checkpoints side by side: what appeared, went away, or grew from A (older) to B. The route says which two. */
export function DiffView({ a: initialA, b: initialB, stored }: { a?: string | undefined; b?: string | undefined; stored?: { hostId: string; before: string; after: string; afterHostId?: string } | undefined }) {
  const [a, setA] = useState(initialA ?? '');
  const [b, setB] = useState(initialB ?? '');
  // Two stored checkpoints of one host (the main side compares within a host).
  const [pickA, setPickA] = useState(stored ? pickKey({ hostId: stored.hostId, id: stored.before }) : '');
  const [pickB, setPickB] = useState(stored ? pickKey({ hostId: stored.hostId, id: stored.after }) : '');
  const source: DiffSource | undefined = stored ?? (initialA && initialB ? { a: initialA, b: initialB } : undefined);
  const key = source ? diffKey(source) : undefined;
  const compare = useStasis((s) => s.compare);
  const state = useStasis((s) => (key && s.diff?.key === key ? s.diff : undefined));
  useEffect(() => {
    if (source) void compare(source);
    // The key names the source; the object is new on every render.
  }, [key, compare]);
  const diff = state?.result;
  const loading = state?.loading ?? false;
  return (
    <section aria-labelledby="diff-title">
      <header className="view-header">
        <h1 id="diff-title" tabIndex={-1}>
          Compare two checkpoints
        </h1>
        {stored && (
          <span className="muted mono">
            {stored.afterHostId && stored.afterHostId !== stored.hostId
              ? `${stored.before} on ${hostLabel(stored.hostId)} → ${stored.after} on ${hostLabel(stored.afterHostId)}`
              : `${stored.before} → ${stored.after} on ${hostLabel(stored.hostId)}`}
          </span>
        )}
      </header>
      <form
        className="form compare"
        onSubmit={(e) => {
          e.preventDefault();
          if (a.trim() && b.trim()) navigate(links.diffFiles(a.trim(), b.trim()));
        }}
      >
        <input className="path-input mono" value={a} onChange={(e) => setA(e.target.value)} aria-label="Older checkpoint" placeholder="older checkpoint (archive or image directory)" />
        <input className="path-input mono" value={b} onChange={(e) => setB(e.target.value)} aria-label="Newer checkpoint" placeholder="newer checkpoint" />
        <button type="submit" className="primary" disabled={loading || !a.trim() || !b.trim()}>
          {loading ? 'Comparing…' : 'Compare'}
        </button>
      </form>
      <form
        className="form compare"
        onSubmit={(e) => {
          e.preventDefault();
          const x = parsePick(pickA);
          const y = parsePick(pickB);
          if (x && y) navigate(links.diffStored(x.hostId, x.checkpointId, y.checkpointId));
        }}
      >
        <StoredPicker label="Older stored checkpoint" value={pickA} onChange={setPickA} />
        <StoredPicker label="Newer stored checkpoint" value={pickB} onChange={setPickB} onlyHost={parsePick(pickA)?.hostId} />
        <button type="submit" disabled={loading || !parsePick(pickA) || !parsePick(pickB)}>
          Compare stored
        </button>
      </form>
      {loading && <p className="muted">Reading both checkpoints…</p>}
      {state?.problem && (stored || a.trim() || b.trim()) && (
        <div className="banner error" role="alert">
          <span>
            {escapeControlKeepLines(state.problem.message)}
            {state.problem.detail && <pre className="mono detail">{escapeControlKeepLines(state.problem.detail)}</pre>}
          </span>
        </div>
      )}
      {!source && !state && (
        <div className="empty-state">
          <p className="muted">
            Type the paths of two checkpoint archives (or image directories) on this computer, or pick two stored checkpoints on a{' '}
            <a href="#/containers">container&apos;s timeline</a>.
          </p>
        </div>
      )}
      {diff && (
        <>
          {diff.warnings.map((w) => (
            <div key={w} className="banner error" role="note">
              {w}
            </div>
          ))}
          <p className="summary" aria-label="Diff summary">
            {diff.identical
              ? identicalText(diff.identical)
              : diff.same
              ? 'No differences: both checkpoints hold the same processes, files and sockets.'
              : `${diff.processes.added.length} processes added, ${diff.processes.removed.length} removed, ${diff.processes.changed.length} changed; ${diff.sockets.added.length} sockets added, ${diff.sockets.removed.length} removed.`}
          </p>
          <div className="panel-header">
            <h2>Processes</h2>
            <TableCopy label="Process changes" />
          </div>
          <Processes d={diff} />
          <div className="panel-header">
            <h2>Memory</h2>
            <TableCopy label="Memory growth" />
          </div>
          <Memory d={diff} />
        </>
      )}
    </section>
  );
}
