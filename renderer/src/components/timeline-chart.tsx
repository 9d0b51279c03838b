import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface ChartPoint {
  /** Seconds since the epoch. */
  t: number;
  /** In `unit`s (KiB or MiB, whichever reads better for these checkpoints). */
  size: number | null;
  memory: number | null;
  frozenMs: number | null;
}

/** KiB for small checkpoints, MiB otherwise, so the axis never reads 0.0–0.1. */
export function chartUnit(maxBytes: number): { label: 'KiB' | 'MiB'; bytes: number } {
  return maxBytes < 2 * 1024 * 1024 ? { label: 'KiB', bytes: 1024 } : { label: 'MiB', bytes: 1024 * 1024 };
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * Size, memory and frozen time of each checkpoint on one time axis (uPlot: ~50 KB, canvas, no dependencies;
 * it draws thousands of points without effort and leaves the table beside it to carry the words).
 */
export function TimelineChart({ points, unit, width, onPick }: { points: ChartPoint[]; unit: 'KiB' | 'MiB'; width: number; onPick?: (index: number) => void }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current || points.length === 0) return;
    const hasFrozen = points.some((p) => p.frozenMs !== null);
    const text = cssVar('--text', '#222');
    const line = cssVar('--line', '#ddd');
    const axis = { stroke: text, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
    const opts: uPlot.Options = {
      width,
      height: 220,
      scales: { x: { time: true }, bytes: { auto: true, range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] }, ms: { auto: true, range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
      axes: [
        // Clock times: checkpoints minutes apart read as "10:42:07", not as fractions of a minute.
        { ...axis, space: 110, values: (_u, splits) => splits.map((t) => new Date(t * 1000).toLocaleTimeString()) },
        { ...axis, scale: 'bytes', label: unit, size: 60 },
        // The frozen-time axis only when some checkpoint has the runtime's statistics.
        ...(hasFrozen ? [{ ...axis, scale: 'ms', side: 1, label: 'frozen ms', size: 56, grid: { show: false } }] : []),
      ],
      series: [
        {},
        { label: `Archive size (${unit})`, scale: 'bytes', stroke: cssVar('--accent', '#2f6fed'), width: 2, points: { size: 8 } },
        { label: `Memory (${unit})`, scale: 'bytes', stroke: cssVar('--good', '#1f8a4c'), width: 2, dash: [6, 4], points: { size: 8 } },
        ...(hasFrozen ? [{ label: 'Frozen (ms)', scale: 'ms', stroke: cssVar('--bad', '#c4322f'), width: 0, paths: () => null, points: { show: true, size: 9 } }] : []),
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { show: true },
      ...(onPick
        ? {
            hooks: {
              ready: [
                (u: uPlot) => {
                  u.over.addEventListener('click', () => {
                    const i = u.cursor.idx;
                    if (i !== null && i !== undefined) onPick(i);
                  });
                },
              ],
            },
          }
        : {}),
    };
    const data: uPlot.AlignedData = [points.map((p) => p.t), points.map((p) => p.size), points.map((p) => p.memory), ...(hasFrozen ? [points.map((p) => p.frozenMs)] : [])];
    const plot = new uPlot(opts, data, el.current);
    return () => plot.destroy();
  }, [points, unit, width, onPick]);
  return <div ref={el} className="timeline-chart" role="img" aria-label="Checkpoint sizes, memory and frozen time over time" />;
}
