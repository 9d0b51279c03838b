import { useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { InspectReportData } from '../../../shared/domain/inspect-report';

type Process = InspectReportData['processes'][number];
interface Row {
  p: Process;
  depth: number;
}

/** Depth-first order of the process tree; orphans (parent not in the image) become roots. */
export function treeRows(processes: Process[]): Row[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const children = new Map<number, Process[]>();
  const roots: Process[] = [];
  for (const p of processes) {
    if (p.ppid !== p.pid && byPid.has(p.ppid)) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    else roots.push(p);
  }
  const rows: Row[] = [];
  const seen = new Set<number>();
  const walk = (p: Process, depth: number): void => {
    if (seen.has(p.pid)) return;
    seen.add(p.pid);
    rows.push({ p, depth });
    for (const c of (children.get(p.pid) ?? []).sort((a, b) => a.pid - b.pid)) walk(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => a.pid - b.pid)) walk(r, 0);
  return rows;
}

const ROW_HEIGHT = 28;

/** A virtualized tree: a 300-process image scrolls as smoothly as a 3-process one. */
export function ProcessTree({ processes, selected, onSelect }: { processes: Process[]; selected: number | undefined; onSelect: (pid: number) => void }) {
  const rows = useMemo(() => treeRows(processes), [processes]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  return (
    <div ref={scroller} className="tree" role="tree" aria-label="Process tree">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const { p, depth } = rows[v.index]!;
          return (
            <div
              key={p.pid}
              role="treeitem"
              aria-selected={p.pid === selected}
              aria-level={depth + 1}
              className={p.pid === selected ? 'tree-row selected' : 'tree-row'}
              style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT, paddingLeft: 8 + depth * 16 }}
              onClick={() => onSelect(p.pid)}
            >
              <span className="mono pid">{p.pid}</span>
              <span className="comm">{p.comm}</span>
              {p.state !== 'alive' && <span className={`tag ${p.state}`}>{p.state}</span>}
              {p.threads.length > 1 && <span className="muted">{p.threads.length} threads</span>}
              <span className="muted fd-count">{p.fds.length} fds</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
