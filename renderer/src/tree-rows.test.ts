import { describe, expect, it } from 'vitest';
import type { InspectReportData } from '../../shared/domain/inspect-report';
import { treeRows } from './tree-rows';

type P = InspectReportData['processes'][number];
const proc = (pid: number, ppid: number): P => ({
  pid, ppid, pgid: pid, sid: pid, comm: `p${pid}`, threads: [pid], state: 'alive', cmdline: [], namespaces: {}, fds: [],
  memory: { vmas: 0, sizeBytes: 0, rssBytes: 0, map: [] },
});

describe('treeRows', () => {
  it('orders a tree depth first, children by pid, with their depth', () => {
    const rows = treeRows([proc(1, 0), proc(9, 1), proc(5, 1), proc(7, 5)]);
    expect(rows.map((r) => [r.p.pid, r.depth])).toEqual([[1, 0], [5, 1], [7, 2], [9, 1]]);
  });

  it('shows processes whose parent is not in the image as roots, and never loops', () => {
    const rows = treeRows([proc(4, 3), proc(3, 4), proc(10, 99), proc(2, 2)]);
    expect(rows.filter((r) => r.depth === 0).map((r) => r.p.pid)).toEqual([2, 10, 3]);
    // Every process appears exactly once, even those in a parent cycle.
    expect(rows.map((r) => r.p.pid).sort((a, b) => a - b)).toEqual([2, 3, 4, 10]);
  });
});
