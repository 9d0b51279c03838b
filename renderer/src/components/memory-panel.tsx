import { useEffect, useState } from 'react';
import type { MemSource } from '../../../shared/api/contract';
import { useImage, type QueryKind } from '../store/image-store';
import { MatchList } from './match-list';
import { MemoryDump } from './memory-dump';

const KINDS: Array<[QueryKind, string, string]> = [
  ['text', 'Text', 'text, matched as UTF-8 bytes'],
  ['regex', 'Regex', 'a regular expression over bytes read as Latin-1'],
  ['hex', 'Hex bytes', 'bytes in hex, e.g. de ad be ef'],
];

function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return <>{Math.max(0, Math.round((now - since) / 1000))} s</>;
}

/**
 * Search and hexdump over one process's dumped memory. The pages are read from the checkpoint again on every request
 * (streamed, never kept), so a stored checkpoint on a host streams its whole archive each time.
 */
export function MemoryPanel({ pid }: { imageKey?: string; source?: MemSource; pid: number }) {
  const source = useImage((s) => s.source);
  const panel = useImage((s) => s.memory[pid]);
  const setQuery = useImage((s) => s.setQuery);
  const search = useImage((s) => s.search);
  const dumpAt = useImage((s) => s.dumpAt);
  const dumpMore = useImage((s) => s.dumpMore);
  const kind = panel?.kind ?? 'text';
  const text = panel?.text ?? '';
  const busy = panel?.busy ?? false;
  const remote = 'hostId' in source;
  return (
    <section className="mem-panel" aria-label="Memory search" aria-busy={busy}>
      {remote && <p className="muted">The checkpoint&apos;s archive streams from {source.hostId === 'local' ? 'this computer' : source.hostId} for every search: large archives take a while.</p>}
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void search(pid);
        }}
      >
        <select aria-label="Query kind" value={kind} onChange={(e) => setQuery(pid, { kind: e.target.value as QueryKind })}>
          {KINDS.map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
        <input
          className="path-input mono"
          type="text"
          value={text}
          onChange={(e) => setQuery(pid, { text: e.target.value })}
          placeholder={KINDS.find(([k]) => k === kind)?.[2]}
          aria-label="Search memory for"
        />
        <button type="submit" className="primary" disabled={!text || busy}>
          {busy ? 'Searching…' : 'Search memory'}
        </button>
        {busy && panel?.startedAt !== undefined && (
          <span className="muted" role="status">
            Reading pages… <Elapsed since={panel.startedAt} />
          </span>
        )}
      </form>
      {panel?.error && (
        <div className="banner error" role="alert">
          {panel.error}
        </div>
      )}
      {panel?.result && (
        <MatchList
          result={panel.result}
          searched={panel.searched ?? ''}
          selected={panel.dump?.highlight ? `0x${panel.dump.highlight.address.toString(16)}` : undefined}
          onOpen={(m) => void dumpAt(pid, parseInt(m.address.slice(2), 16), { address: parseInt(m.address.slice(2), 16), length: m.length })}
        />
      )}
      <h4>Hexdump</h4>
      <MemoryDump dump={panel?.dump} onGo={(a) => void dumpAt(pid, a)} onMore={(side) => void dumpMore(pid, side)} />
    </section>
  );
}
