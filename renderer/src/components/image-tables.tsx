import { useCallback, useMemo, useState, type KeyboardEvent } from 'react';
import type { InspectReportData } from '../../../shared/domain/inspect-report';
import { escapeControl } from '../../../shared/text/escape';
import { formatBytes } from '../format';
import type { Column } from '../ui/data-table';
import { VirtualTable } from './virtual-table';

type Process = InspectReportData['processes'][number];
export type Fd = Process['fds'][number];
type Vma = Process['memory']['map'][number];
type Socket = InspectReportData['sockets'][number];
export type Holder = { pid: number; fd: number };
/** Jumps to a process and one of its fds (a socket's peer, a holder). */
export type JumpTo = (to: Holder) => void;

// The glyph beside an fd's type, so a long table is read at a glance; the type's name is in the title and the text.
const FD_ICONS: Record<string, string> = {
  reg: '📄', pipe: '⏸', fifo: '🚰', unixsk: '🔌', inetsk: '🌐', netlink: '📡', netlinksk: '📡', packetsk: '📦', eventfd: '⚡',
  eventpoll: '👁', signalfd: '🚦', inotify: '🔔', fanotify: '🔔', timerfd: '⏱', memfd: '🧠', tty: '⌨', ns: '🧭', tunf: '🚇',
  bpfmap: '🐝', pidfd: '🪪', ext: '🧩',
};
export const fdIcon = (type: string): string => FD_ICONS[type] ?? '•';

export const holderText = (h: Holder): string => `pid ${h.pid} fd ${h.fd}`;

function HolderLinks({ holders, onJump, none = '—' }: { holders: Holder[]; onJump: JumpTo; none?: string }) {
  if (!holders.length) return <span className="muted">{none}</span>;
  return (
    <>
      {holders.map((h) => (
        <button key={`${h.pid}:${h.fd}`} type="button" className="link-button mono" onClick={() => onJump(h)} aria-label={`Go to ${holderText(h)}`}>
          {holderText(h)}
        </button>
      ))}
    </>
  );
}

/** A process's socket peers (images.process's `peers`) by fd, for the fd table's links. */
export function peersByFd(peers: Array<{ fd: number; holders: Holder[] }>): Map<number, Holder[]> {
  return new Map(peers.map((p) => [p.fd, p.holders]));
}

const NO_HOLDERS: Holder[] = [];
const fdKey = (f: Fd): string => String(f.fd);
const fdClass = (f: Fd): string | undefined => (f.unlinked ? 'unlinked' : undefined);

/** A process's fds: type icons, a type filter, a search, unlinked files flagged, socket peers as links. */
export function FdTable({ pid, fds, peers, focusFd, onJump }: { pid: number; fds: Fd[]; peers: Map<number, Holder[]>; focusFd: number | undefined; onJump: JumpTo }) {
  const [type, setType] = useState('');
  const [query, setQuery] = useState('');
  // Each type and how many fds have it, for the filter's options.
  const types = useMemo(() => {
    const counts = new Map<string, number>();
    for (const f of fds) counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => a.localeCompare(b));
  }, [fds]);
  const q = query.trim().toLowerCase();
  const rows = useMemo(
    () => fds.filter((f) => (!type || f.type === type) && (!q || `${f.fd} ${f.type} ${f.description} ${f.path ?? ''}`.toLowerCase().includes(q))),
    [fds, type, q],
  );
  const columns = useMemo<Column<Fd>[]>(
    () => [
      { key: 'fd', label: 'fd', numeric: true, value: (f) => f.fd },
      {
        key: 'type',
        label: 'type',
        value: (f) => f.type,
        render: (f) => (
          <span className="mono" title={f.type}>
            <span aria-hidden className="fd-icon">
              {fdIcon(f.type)}
            </span>{' '}
            {f.type}
          </span>
        ),
      },
      {
        key: 'what',
        label: 'what',
        value: (f) => f.description,
        text: (f) => `${f.description}${f.unlinked ? ' [unlinked]' : ''}`,
        className: 'ellipsis wide',
        render: (f) => (
          <span title={escapeControl(f.description)}>
            {f.unlinked && <span className="tag zombie">unlinked</span>} {escapeControl(f.description)}
          </span>
        ),
      },
      {
        key: 'peer',
        label: 'peer',
        value: (f) => (peers.get(f.fd) ?? NO_HOLDERS).map(holderText).join(', ') || undefined,
        render: (f) => <HolderLinks holders={peers.get(f.fd) ?? NO_HOLDERS} onJump={onJump} none="" />,
      },
    ],
    [peers, onJump],
  );
  return (
    <VirtualTable
      label="Open files"
      columns={columns}
      rows={rows}
      rowKey={fdKey}
      focusKey={focusFd === undefined ? undefined : String(focusFd)}
      rowClass={fdClass}
      empty={<p className="muted">{fds.length ? 'No fd matches the filter.' : `Process ${pid} has no open files.`}</p>}
      toolbar={
        <>
          <select aria-label="Fd type" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">all types</option>
            {types.map(([t, n]) => (
              <option key={t} value={t}>
                {fdIcon(t)} {t} ({n})
              </option>
            ))}
          </select>
          <input type="search" aria-label="Search fds" placeholder="Search fds" value={query} onChange={(e) => setQuery(e.target.value)} />
        </>
      }
    />
  );
}

const socketKey = (s: Socket): string => String(s.id);

/** Every socket of the checkpoint; holders and peers are links to the process and fd. */
export function SocketTable({ sockets, onJump }: { sockets: Socket[]; onJump: JumpTo }) {
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const rows = useMemo(
    () => sockets.filter((s) => !q || `${s.kind} ${s.type} ${s.state} ${s.local ?? ''} ${s.remote ?? ''} ${s.holders.map(holderText).join(' ')}`.toLowerCase().includes(q)),
    [sockets, q],
  );
  const columns = useMemo<Column<Socket>[]>(
    () => [
      { key: 'kind', label: 'kind', value: (s) => s.kind },
      { key: 'type', label: 'type', value: (s) => s.type },
      { key: 'state', label: 'state', value: (s) => s.state },
      { key: 'local', label: 'local', className: 'mono ellipsis', value: (s) => s.local },
      {
        key: 'peer',
        label: 'peer',
        value: (s) => s.remote ?? (s.peer ? s.peer.holders.map(holderText).join(', ') || `socket ${s.peer.ino} (not held)` : undefined),
        render: (s) =>
          s.remote !== undefined ? <span className="mono">{escapeControl(s.remote)}</span> : s.peer ? <HolderLinks holders={s.peer.holders} onJump={onJump} none={`socket ${s.peer.ino} (not held)`} /> : '—',
      },
      { key: 'held', label: 'held by', value: (s) => s.holders.map(holderText).join(', '), render: (s) => <HolderLinks holders={s.holders} onJump={onJump} /> },
      { key: 'queued', label: 'queued', numeric: true, value: (s) => s.queuedBytes, render: (s) => (s.queuedBytes ? formatBytes(s.queuedBytes) : '') },
    ],
    [onJump],
  );
  return (
    <VirtualTable
      label="Sockets"
      columns={columns}
      rows={rows}
      rowKey={socketKey}
      height={560}
      toolbar={<input type="search" aria-label="Search sockets" placeholder="Search sockets" value={query} onChange={(e) => setQuery(e.target.value)} />}
    />
  );
}

type VmaClass = 'file' | 'stack' | 'heap' | 'anon' | 'special';

function vmaClass(v: Vma): VmaClass {
  if (/stack/.test(v.kind)) return 'stack';
  if (/heap/.test(v.kind)) return 'heap';
  if (/vdso|vvar|vsyscall/.test(v.kind)) return 'special';
  return v.path ? 'file' : 'anon';
}

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** What a mapping is, in words: the executable, a library by name, a file, the stack, the heap, anonymous memory. */
export function vmaName(v: Vma, exe: string | undefined): string {
  if (v.path) {
    if (v.path === exe) return `${basename(v.path)} (executable)`;
    if (/\.so(\.|$)/.test(v.path)) return `${basename(v.path)} (library)`;
    return v.path;
  }
  const c = vmaClass(v);
  return c === 'anon' ? 'anonymous' : c === 'special' ? v.kind : c;
}

const vmaKey = (v: Vma): string => v.start;

/** The memory map as bars: each mapping's size (log scale, so 4 KiB and 1 GiB both show) and the resident share. */
export function MemoryMapTable({ map, exe }: { map: Vma[]; exe: string | undefined }) {
  const max = useMemo(() => map.reduce((m, v) => Math.max(m, v.sizeBytes), 1), [map]);
  const columns = useMemo<Column<Vma>[]>(
    () => [
      { key: 'start', label: 'start', className: 'mono', value: (v) => v.start },
      { key: 'prot', label: 'prot', className: 'mono', value: (v) => v.prot },
      {
        key: 'size',
        label: 'size · resident',
        value: (v) => v.sizeBytes,
        text: (v) => `${formatBytes(v.sizeBytes)} (${formatBytes(v.rssBytes)} resident)`,
        render: (v) => {
          const width = (Math.log2(Math.max(v.sizeBytes, 4096)) - 11) / (Math.log2(Math.max(max, 4096)) - 11);
          const share = v.sizeBytes ? Math.min(1, v.rssBytes / v.sizeBytes) : 0;
          return (
            <span className="vma-cell" title={`${formatBytes(v.sizeBytes)}, ${formatBytes(v.rssBytes)} resident in the checkpoint`}>
              <span className={`vma-bar ${vmaClass(v)}`} style={{ width: `${Math.max(4, width * 100)}%` }}>
                <span className="vma-rss" style={{ width: `${share * 100}%` }} />
              </span>
              <span className="vma-size">{formatBytes(v.sizeBytes)}</span>
            </span>
          );
        },
      },
      { key: 'rss', label: 'resident', numeric: true, value: (v) => v.rssBytes, render: (v) => formatBytes(v.rssBytes) },
      {
        key: 'what',
        label: 'mapping',
        className: 'ellipsis wide',
        value: (v) => vmaName(v, exe),
        render: (v) => (
          <span title={escapeControl(`${v.path ?? ''} ${v.kind}`.trim())}>
            <span className={`vma-kind ${vmaClass(v)}`}>{vmaClass(v)}</span> {escapeControl(vmaName(v, exe))}
            {v.unlinked && <span className="tag zombie">unlinked</span>}
          </span>
        ),
      },
    ],
    [max, exe],
  );
  return (
    <VirtualTable
      label="Memory map"
      columns={columns}
      rows={map}
      rowKey={vmaKey}
      empty={<p className="muted">No memory mappings (a zombie, or a thread).</p>}
      toolbar={
        <span className="vma-legend muted">
          {(['file', 'anon', 'heap', 'stack', 'special'] as const).map((c) => (
            <span key={c}>
              <span className={`vma-swatch ${c}`} /> {c}
            </span>
          ))}{' '}
          · darker: resident
        </span>
      }
    />
  );
}

interface EnvVar {
  name: string;
  value: string;
}

const MASK = '••••••••';

/** The environment with values hidden until revealed, one by one or all: images hold secrets (tokens, passwords). */
export function EnvTable({ environ }: { environ: string[] }) {
  const [shown, setShown] = useState<ReadonlySet<string>>(new Set());
  const [all, setAll] = useState(false);
  const rows = useMemo<EnvVar[]>(
    () =>
      environ.map((e) => {
        const eq = e.indexOf('=');
        return eq < 0 ? { name: e, value: '' } : { name: e.slice(0, eq), value: e.slice(eq + 1) };
      }),
    [environ],
  );
  const visible = (v: EnvVar): boolean => all || shown.has(v.name);
  const columns: Column<EnvVar>[] = [
    { key: 'name', label: 'name', className: 'mono', value: (v) => v.name },
    {
      key: 'value',
      label: 'value',
      className: 'mono ellipsis wide',
      // Copies carry only what is revealed.
      value: (v) => (visible(v) ? v.value : MASK),
      render: (v) =>
        visible(v) ? (
          <span title={escapeControl(v.value)}>{escapeControl(v.value)}</span>
        ) : (
          <button type="button" className="link-button" onClick={() => setShown(new Set([...shown, v.name]))} aria-label={`Reveal ${escapeControl(v.name)}`}>
            {MASK} reveal
          </button>
        ),
    },
  ];
  return (
    <VirtualTable
      label="Environment"
      columns={columns}
      rows={rows}
      rowKey={(v) => v.name}
      height={260}
      toolbar={
        <button type="button" className="small" onClick={() => setAll(!all)}>
          {all ? 'Hide all values' : 'Reveal all values'}
        </button>
      }
    />
  );
}

// CRIU's dump statistics (stats-dump): times in microseconds, counts in pages.
const STAT_LABELS: Record<string, { label: string; unit: 'us' | 'pages' | 'count' }> = {
  freezing_time: { label: 'Freezing the tasks', unit: 'us' },
  frozen_time: { label: 'Tasks kept frozen', unit: 'us' },
  memdump_time: { label: 'Collecting memory', unit: 'us' },
  memwrite_time: { label: 'Writing memory', unit: 'us' },
  irmap_resolve: { label: 'Resolving inotify watch paths', unit: 'us' },
  pages_scanned: { label: 'Pages scanned', unit: 'pages' },
  pages_skipped_parent: { label: 'Pages unchanged since the parent (not written)', unit: 'pages' },
  pages_written: { label: 'Pages written', unit: 'pages' },
  pages_lazy: { label: 'Pages left for lazy restore', unit: 'pages' },
  page_pipes: { label: 'Page pipes', unit: 'count' },
  page_pipe_bufs: { label: 'Page pipe buffers', unit: 'count' },
  shpages_scanned: { label: 'Shared pages scanned', unit: 'pages' },
  shpages_skipped_parent: { label: 'Shared pages unchanged since the parent', unit: 'pages' },
  shpages_written: { label: 'Shared pages written', unit: 'pages' },
};

export function statText(key: string, v: number): string {
  const unit = STAT_LABELS[key]?.unit ?? (/time/.test(key) ? 'us' : 'count');
  if (unit === 'us') return v >= 1000 ? `${(v / 1000).toFixed(1)} ms` : `${v} µs`;
  if (unit === 'pages') return `${v.toLocaleString()} pages (${formatBytes(v * 4096)})`;
  return v.toLocaleString();
}

export const statLabel = (key: string): string => STAT_LABELS[key]?.label ?? key.replace(/_/g, ' ');

/** CRIU's statistics in words and units, and where the time the tasks were frozen went. */
export function StatsView({ stats }: { stats: Record<string, number> }) {
  const frozen = stats['frozen_time'] ?? 0;
  const parts = [
    { key: 'memdump', label: 'collecting memory', us: stats['memdump_time'] ?? 0 },
    { key: 'memwrite', label: 'writing memory', us: stats['memwrite_time'] ?? 0 },
  ];
  const other = Math.max(0, frozen - parts.reduce((s, p) => s + p.us, 0));
  const segments = [...parts, { key: 'other', label: 'everything else (fds, sockets, namespaces…)', us: other }].filter((s) => s.us > 0);
  const rows = Object.entries(stats).map(([key, value]) => ({ key, value }));
  const columns: Column<{ key: string; value: number }>[] = [
    { key: 'what', label: 'what', value: (r) => statLabel(r.key), render: (r) => <span title={r.key}>{statLabel(r.key)}</span> },
    { key: 'value', label: 'value', numeric: true, value: (r) => r.value, text: (r) => statText(r.key, r.value), render: (r) => statText(r.key, r.value) },
    { key: 'field', label: 'CRIU field', className: 'mono muted', value: (r) => r.key },
  ];
  return (
    <>
      {frozen > 0 && (
        <figure className="freeze-chart" aria-label="Where the freeze time went">
          <figcaption>
            The tasks were frozen for <strong>{statText('frozen_time', frozen)}</strong>
            {stats['freezing_time'] !== undefined && <> (freezing them took {statText('freezing_time', stats['freezing_time'])})</>}:
          </figcaption>
          <div className="freeze-bar">
            {segments.map((s) => (
              <span key={s.key} className={`freeze-seg ${s.key}`} style={{ width: `${(s.us / Math.max(frozen, 1)) * 100}%` }} title={`${s.label}: ${statText('x_time', s.us)}`} />
            ))}
          </div>
          <ul className="freeze-legend">
            {segments.map((s) => (
              <li key={s.key}>
                <span className={`freeze-swatch ${s.key}`} /> {s.label}: {statText('x_time', s.us)} ({Math.round((s.us / Math.max(frozen, 1)) * 100)}%)
              </li>
            ))}
          </ul>
        </figure>
      )}
      <VirtualTable label="CRIU statistics" columns={columns} rows={rows} rowKey={(r) => r.key} height={400} />
    </>
  );
}

export interface RootfsRow {
  path: string;
  name: string;
  depth: number;
  dir: boolean;
  sizeBytes: number;
  files: number;
  change: 'added' | 'deleted' | 'mixed';
}

/**
 * The container's file-system changes as a tree: directories (made from the paths) carry the total size and count of
 * what changed below them; deleted paths are marked. Depth-first, names in order.
 */
export function rootfsRows(added: Array<{ path: string; size: number }>, deleted: string[]): RootfsRow[] {
  interface Node {
    name: string;
    path: string;
    children: Map<string, Node>;
    size: number;
    files: number;
    added: boolean;
    deleted: boolean;
    leaf: boolean;
  }
  const root: Node = { name: '', path: '', children: new Map(), size: 0, files: 0, added: false, deleted: false, leaf: false };
  const add = (p: string, size: number, kind: 'added' | 'deleted'): void => {
    const parts = p.split('/').filter(Boolean);
    let node = root;
    const chain: Node[] = [root];
    parts.forEach((part, i) => {
      let next = node.children.get(part);
      if (!next) {
        next = { name: part, path: `/${parts.slice(0, i + 1).join('/')}`, children: new Map(), size: 0, files: 0, added: false, deleted: false, leaf: false };
        node.children.set(part, next);
      }
      node = next;
      chain.push(node);
    });
    node.leaf = true;
    for (const n of chain) {
      n.size += size;
      n.files += 1;
      if (kind === 'added') n.added = true;
      else n.deleted = true;
    }
  };
  for (const f of added) add(f.path, f.size, 'added');
  for (const p of deleted) add(p, 0, 'deleted');
  const out: RootfsRow[] = [];
  const walk = (n: Node, depth: number): void => {
    for (const c of [...n.children.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const dir = c.children.size > 0;
      out.push({ path: c.path, name: dir ? `${c.name}/` : c.name, depth, dir, sizeBytes: c.size, files: c.files, change: c.added && c.deleted ? 'mixed' : c.deleted ? 'deleted' : 'added' });
      walk(c, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

/** The rows shown: those under a collapsed directory are left out. */
export function visibleRootfsRows(rows: RootfsRow[], collapsed: ReadonlySet<string>): RootfsRow[] {
  if (!collapsed.size) return rows;
  const out: RootfsRow[] = [];
  let hideDeeperThan = Infinity;
  for (const r of rows) {
    if (r.depth > hideDeeperThan) continue;
    hideDeeperThan = r.dir && collapsed.has(r.path) ? r.depth : Infinity;
    out.push(r);
  }
  return out;
}

const rootfsKey = (r: RootfsRow): string => r.path;

/**
 * Rootfs changes as a tree with sizes (directories summed), virtualized for large diffs. Directories open and close
 * by their twisty, or on their row with Right / Left (Enter toggles); Expand all / Collapse all in the toolbar.
 */
export function RootfsTree({ added, deleted }: { added: Array<{ path: string; size: number }>; deleted: string[] }) {
  const rows = useMemo(() => rootfsRows(added, deleted), [added, deleted]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const shown = useMemo(() => visibleRootfsRows(rows, collapsed), [rows, collapsed]);
  const setOpen = useCallback((path: string, open: boolean) => {
    setCollapsed((now) => {
      if (now.has(path) === !open) return now;
      const next = new Set(now);
      if (open) next.delete(path);
      else next.add(path);
      return next;
    });
  }, []);
  const columns = useMemo<Column<RootfsRow>[]>(
    () => [
      {
        key: 'path',
        label: 'path',
        value: (r) => r.path,
        className: 'mono ellipsis wide',
        render: (r) => {
          const open = !collapsed.has(r.path);
          return (
            <span style={{ paddingLeft: r.depth * 14 }} title={escapeControl(r.path)}>
              {r.dir ? (
                <button type="button" className="twisty" tabIndex={-1} aria-expanded={open} aria-label={`${open ? 'Collapse' : 'Expand'} ${escapeControl(r.path)}`} onClick={() => setOpen(r.path, !open)}>
                  {open ? '▾' : '▸'}
                </button>
              ) : (
                <span className="twisty" />
              )}
              <span className={r.change === 'deleted' ? 'bad' : r.change === 'added' ? 'good' : 'muted'}>{r.change === 'deleted' ? '−' : r.change === 'added' ? '+' : '±'}</span> {escapeControl(r.name)}
            </span>
          );
        },
      },
      { key: 'size', label: 'size', numeric: true, value: (r) => r.sizeBytes, render: (r) => (r.change === 'deleted' ? '' : formatBytes(r.sizeBytes)) },
      { key: 'files', label: 'files', numeric: true, value: (r) => (r.dir ? r.files : undefined), render: (r) => (r.dir ? r.files : '') },
    ],
    [collapsed, setOpen],
  );
  const onRowKey = (r: RootfsRow, e: KeyboardEvent): boolean => {
    if (!r.dir) return false;
    if (e.key === 'ArrowRight') setOpen(r.path, true);
    else if (e.key === 'ArrowLeft') setOpen(r.path, false);
    else if (e.key === 'Enter') setOpen(r.path, collapsed.has(r.path));
    else return false;
    return true;
  };
  return (
    <VirtualTable
      label="File system changes"
      columns={columns}
      rows={shown}
      rowKey={rootfsKey}
      height={480}
      onRowKey={onRowKey}
      toolbar={
        <>
          <button type="button" className="small" onClick={() => setCollapsed(new Set())} disabled={!collapsed.size}>
            Expand all
          </button>
          <button type="button" className="small" onClick={() => setCollapsed(new Set(rows.filter((r) => r.dir).map((r) => r.path)))}>
            Collapse all
          </button>
        </>
      }
    />
  );
}
