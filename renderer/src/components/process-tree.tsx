import { memo, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ProcessSummary } from '../../../shared/domain/report-parts';
import { escapeControl } from '../../../shared/text/escape';
import { treeRows, type TreeRow } from '../tree-rows';

/** What a row shows of a process (the report summary's processes: shared/domain/report-parts.ts). */
export type TreeProcess = Pick<ProcessSummary, 'pid' | 'ppid' | 'comm' | 'cmdline' | 'state' | 'threads' | 'fdCount'>;
type Process = TreeProcess;

const ROW_HEIGHT = 28;

interface VisibleRow extends TreeRow<Process> {
  hasChildren: boolean;
  match: boolean;
}

/**
 * The rows on screen: the tree without the children of collapsed processes; while searching, the matches and their
 * ancestors (so each match is seen where it sits), whatever is collapsed.
 */
export function visibleRows(rows: TreeRow<Process>[], collapsed: ReadonlySet<number>, query: string): VisibleRow[] {
  const hasChildren = (i: number): boolean => (rows[i + 1]?.depth ?? -1) > rows[i]!.depth;
  const q = query.trim().toLowerCase();
  if (q) {
    const byPid = new Map(rows.map((r) => [r.p.pid, r.p]));
    const keep = new Set<number>();
    const matches = new Set<number>();
    for (const { p } of rows) {
      if (!`${p.pid} ${p.comm} ${p.cmdline.join(' ')}`.toLowerCase().includes(q)) continue;
      matches.add(p.pid);
      // The ancestors, up to a root (or a cycle, in a corrupt image).
      for (let a: Process | undefined = p; a && !keep.has(a.pid); a = a.ppid !== a.pid ? byPid.get(a.ppid) : undefined) keep.add(a.pid);
    }
    return rows.flatMap((r, i) => (keep.has(r.p.pid) ? [{ ...r, hasChildren: hasChildren(i), match: matches.has(r.p.pid) }] : []));
  }
  const out: VisibleRow[] = [];
  let hideDeeperThan = Infinity;
  rows.forEach((r, i) => {
    if (r.depth > hideDeeperThan) return;
    hideDeeperThan = collapsed.has(r.p.pid) ? r.depth : Infinity;
    out.push({ ...r, hasChildren: hasChildren(i), match: false });
  });
  return out;
}

interface RowProps {
  p: Process;
  depth: number;
  hasChildren: boolean;
  match: boolean;
  open: boolean;
  selected: boolean;
  top: number;
  onSelect: (pid: number) => void;
  onToggle: (pid: number) => void;
}

/** One row, memoized: scrolling renders only the rows that came into view. */
const Row = memo(function Row({ p, depth, hasChildren, match, open, selected, top, onSelect, onToggle }: RowProps) {
  return (
    <div
      id={`proc-${p.pid}`}
      role="treeitem"
      aria-selected={selected}
      aria-level={depth + 1}
      aria-expanded={hasChildren ? open : undefined}
      className={['tree-row', selected ? 'selected' : '', match ? 'match' : ''].join(' ').trim()}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT, paddingLeft: 4 + depth * 16 }}
      onClick={() => onSelect(p.pid)}
      title={escapeControl(p.cmdline.join(' ') || p.comm)}
    >
      {hasChildren ? (
        <button
          type="button"
          className="twisty"
          tabIndex={-1}
          aria-label={`${open ? 'Collapse' : 'Expand'} ${p.pid}`}
          onClick={(e) => {
            e.stopPropagation();
            onToggle(p.pid);
          }}
        >
          {open ? '▾' : '▸'}
        </button>
      ) : (
        <span className="twisty" />
      )}
      <span className="mono pid">{p.pid}</span>
      <span className="comm">{escapeControl(p.comm)}</span>
      {p.state !== 'alive' && <span className={`tag ${p.state}`}>{p.state}</span>}
      {p.threads.length > 1 && <span className="muted">{p.threads.length} threads</span>}
      <span className="muted fd-count">{p.fdCount} fds</span>
    </div>
  );
});

/**
 * A virtualized process tree: a 300-process image scrolls as smoothly as a 3-process one. Expand and collapse, search
 * by name, pid or command line, and the keyboard: arrows move, Right/Left open and close (or go to child/parent),
 * Home/End.
 */
export function ProcessTree({ processes, selected, onSelect }: { processes: Process[]; selected: number | undefined; onSelect: (pid: number) => void }) {
  const rows = useMemo(() => treeRows(processes), [processes]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(new Set());
  const [query, setQuery] = useState('');
  const shown = useMemo(() => visibleRows(rows, collapsed, query), [rows, collapsed, query]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 300, height: 600 },
  });
  const toggle = (pid: number, open?: boolean): void => {
    setCollapsed((now) => {
      const next = new Set(now);
      if (open ?? next.has(pid)) next.delete(pid);
      else next.add(pid);
      return next;
    });
  };
  // The rows' handler stays one function, so a memoized row is not re-rendered for a new closure.
  const [onToggle] = useState(() => (pid: number) => toggle(pid));
  const selectAt = (i: number): void => {
    const n = Math.max(0, Math.min(shown.length - 1, i));
    const row = shown[n];
    if (!row) return;
    onSelect(row.p.pid);
    const el = scroller.current;
    if (!el) return;
    const top = n * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const i = shown.findIndex((r) => r.p.pid === selected);
    const row = shown[i];
    if (e.key === 'ArrowDown') selectAt(i + 1);
    else if (e.key === 'ArrowUp') selectAt(Math.max(0, i - 1));
    else if (e.key === 'Home') selectAt(0);
    else if (e.key === 'End') selectAt(shown.length - 1);
    else if (e.key === 'PageDown') selectAt(i + 10);
    else if (e.key === 'PageUp') selectAt(i - 10);
    else if (e.key === 'ArrowRight' && row) {
      if (row.hasChildren && collapsed.has(row.p.pid)) toggle(row.p.pid, true);
      else if (row.hasChildren) selectAt(i + 1);
    } else if (e.key === 'ArrowLeft' && row) {
      if (row.hasChildren && !collapsed.has(row.p.pid) && !query) toggle(row.p.pid, false);
      else {
        const parent = shown.findIndex((r) => r.p.pid === row.p.ppid);
        if (parent >= 0) selectAt(parent);
      }
    } else return;
    e.preventDefault();
  };
  const matches = query.trim() ? shown.filter((r) => r.match).length : undefined;
  return (
    <div className="tree-pane">
      <div className="tree-tools">
        <input type="search" aria-label="Search processes" placeholder="Search name, pid, command line" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="button" className="small" onClick={() => setCollapsed(new Set())} aria-label="Expand all">
          ⊞
        </button>
        <button type="button" className="small" onClick={() => setCollapsed(new Set(rows.filter((r, i) => (rows[i + 1]?.depth ?? -1) > r.depth).map((r) => r.p.pid)))} aria-label="Collapse all">
          ⊟
        </button>
      </div>
      {matches !== undefined && <p className="muted small">{matches === 0 ? 'No process matches.' : `${matches} matching`}</p>}
      <div
        ref={scroller}
        className="tree"
        role="tree"
        aria-label="Process tree"
        tabIndex={0}
        onKeyDown={onKey}
        aria-activedescendant={selected !== undefined && shown.some((r) => r.p.pid === selected) ? `proc-${selected}` : undefined}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const { p, depth, hasChildren, match } = shown[v.index]!;
            return (
              <Row
                key={p.pid}
                p={p}
                depth={depth}
                hasChildren={hasChildren}
                match={match}
                open={!collapsed.has(p.pid) || query.trim() !== ''}
                selected={p.pid === selected}
                top={v.start}
                onSelect={onSelect}
                onToggle={onToggle}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
