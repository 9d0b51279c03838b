import { useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { InspectReportData } from '../../../shared/domain/inspect-report';
import { treeRows } from '../tree-rows';

type Process = InspectReportData['processes'][number];

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
