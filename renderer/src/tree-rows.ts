/** What the tree needs of a process: the full report's processes and the summary's (report-parts.ts) both have it. */
interface TreeProcess {
  pid: number;
  ppid: number;
}

export interface TreeRow<Process extends TreeProcess = TreeProcess> {
  p: Process;
  depth: number;
}

/** Depth-first order of the process tree; orphans (parent not in the image) become roots. */
export function treeRows<Process extends TreeProcess>(processes: Process[]): TreeRow<Process>[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const children = new Map<number, Process[]>();
  const roots: Process[] = [];
  for (const p of processes) {
    if (p.ppid !== p.pid && byPid.has(p.ppid)) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    else roots.push(p);
  }
  const rows: TreeRow<Process>[] = [];
  const seen = new Set<number>();
  const walk = (p: Process, depth: number): void => {
    if (seen.has(p.pid)) return;
    seen.add(p.pid);
    rows.push({ p, depth });
    for (const c of (children.get(p.pid) ?? []).sort((a, b) => a.pid - b.pid)) walk(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => a.pid - b.pid)) walk(r, 0);
  // A parent cycle (only in a corrupt image) has no root; its processes are still shown, as roots.
  for (const p of [...processes].sort((a, b) => a.pid - b.pid)) walk(p, 0);
  return rows;
}

