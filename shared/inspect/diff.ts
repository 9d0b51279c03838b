import type { FdView, InspectReport, ProcessView, SocketView, VmaView } from './report';
import { escapeControl } from '../text/escape';

/** A process as a diff lists it when it appeared or went away. */
export interface ProcessBrief {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string[];
  state: string;
  threads: number;
  fds: number;
  rssBytes: number;
}

export interface FieldChange {
  field: 'comm' | 'cmdline' | 'state' | 'threads' | 'ppid' | 'pgid' | 'sid' | 'cwd' | 'root' | 'exe';
  before: unknown;
  after: unknown;
}

export interface FdChange {
  fd: number;
  before: FdView;
  after: FdView;
}

export interface VmaChange {
  start: string;
  before: VmaView;
  after: VmaView;
}

export interface MemoryChange {
  rssBefore: number;
  rssAfter: number;
  rssDelta: number;
  sizeBefore: number;
  sizeAfter: number;
  sizeDelta: number;
  vmasBefore: number;
  vmasAfter: number;
  vmas: { added: VmaView[]; removed: VmaView[]; changed: VmaChange[] };
}

export interface ProcessDiff {
  pid: number;
  comm: string;
  changes: FieldChange[];
  fds: { added: FdView[]; removed: FdView[]; changed: FdChange[] };
  memory: MemoryChange;
}

/** Why a diff's two sides cannot differ; null when they are two different checkpoints. */
export type Identical = 'same-file' | 'same-content' | null;

export interface ReportDiff {
  a: { path: string };
  b: { path: string };
  processes: { added: ProcessBrief[]; removed: ProcessBrief[]; changed: ProcessDiff[] };
  sockets: { added: SocketView[]; removed: SocketView[] };
  /** Every process present in both, by growth of resident memory (largest first); unchanged ones included. */
  memory: Array<{ pid: number; comm: string } & Omit<MemoryChange, 'vmas'>>;
  /** True when nothing differs except the order of things. */
  same: boolean;
  /**
   * Set by the caller who opened the two sides: both are one file (or one stored checkpoint), or two files with the
   * same bytes. Then "no differences" says nothing about the workload, and the views say which it is instead.
   */
  identical: Identical;
  /** Reasons the comparison may mislead (two different containers, say). */
  warnings: string[];
}

function brief(p: ProcessView): ProcessBrief {
  return { pid: p.pid, ppid: p.ppid, comm: p.comm, cmdline: p.cmdline, state: p.state, threads: p.threads.length, fds: p.fds.length, rssBytes: p.memory.rssBytes };
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function fieldChanges(a: ProcessView, b: ProcessView): FieldChange[] {
  const out: FieldChange[] = [];
  const scalar = (field: FieldChange['field'], x: unknown, y: unknown): void => {
    if (x !== y) out.push({ field, before: x, after: y });
  };
  scalar('comm', a.comm, b.comm);
  if (!sameList(a.cmdline, b.cmdline)) out.push({ field: 'cmdline', before: a.cmdline, after: b.cmdline });
  scalar('state', a.state, b.state);
  // Thread ids are what a user reads in ps; a thread replaced by another shows up even when the count holds.
  if (!sameList([...a.threads].sort((x, y) => x - y), [...b.threads].sort((x, y) => x - y))) out.push({ field: 'threads', before: a.threads, after: b.threads });
  scalar('ppid', a.ppid, b.ppid);
  scalar('pgid', a.pgid, b.pgid);
  scalar('sid', a.sid, b.sid);
  scalar('cwd', a.cwd, b.cwd);
  scalar('root', a.root, b.root);
  scalar('exe', a.exe, b.exe);
  return out;
}

function fdChanges(a: FdView[], b: FdView[]): ProcessDiff['fds'] {
  const before = new Map(a.map((f) => [f.fd, f]));
  const after = new Map(b.map((f) => [f.fd, f]));
  const out: ProcessDiff['fds'] = { added: [], removed: [], changed: [] };
  for (const [fd, f] of after) {
    const old = before.get(fd);
    if (!old) out.added.push(f);
    else if (old.type !== f.type || old.path !== f.path || old.description !== f.description || Boolean(old.unlinked) !== Boolean(f.unlinked)) {
      out.changed.push({ fd, before: old, after: f });
    }
  }
  for (const [fd, f] of before) if (!after.has(fd)) out.removed.push(f);
  const byFd = (x: { fd: number }, y: { fd: number }): number => x.fd - y.fd;
  out.added.sort(byFd);
  out.removed.sort(byFd);
  out.changed.sort(byFd);
  return out;
}

function memoryChange(a: ProcessView, b: ProcessView): MemoryChange {
  const before = new Map(a.memory.map.map((v) => [v.start, v]));
  const after = new Map(b.memory.map.map((v) => [v.start, v]));
  const vmas: MemoryChange['vmas'] = { added: [], removed: [], changed: [] };
  for (const [start, v] of after) {
    const old = before.get(start);
    if (!old) vmas.added.push(v);
    else if (old.end !== v.end || old.rssBytes !== v.rssBytes || old.prot !== v.prot || old.path !== v.path) vmas.changed.push({ start, before: old, after: v });
  }
  for (const [start, v] of before) if (!after.has(start)) vmas.removed.push(v);
  return {
    rssBefore: a.memory.rssBytes,
    rssAfter: b.memory.rssBytes,
    rssDelta: b.memory.rssBytes - a.memory.rssBytes,
    sizeBefore: a.memory.sizeBytes,
    sizeAfter: b.memory.sizeBytes,
    sizeDelta: b.memory.sizeBytes - a.memory.sizeBytes,
    vmasBefore: a.memory.vmas,
    vmasAfter: b.memory.vmas,
    vmas,
  };
}

/**
 * How a socket is recognised in both checkpoints. CRIU's file ids are numbered per dump, so they cannot be compared;
 * the kernel's inode number survives while the socket lives. Sockets without one fall back to what they look like.
 */
function socketKey(s: SocketView): string {
  if (s.ino) return `${s.kind}:${s.ino}`;
  return `${s.kind}:${s.type}:${s.local ?? ''}:${s.remote ?? ''}:${s.holders.map((h) => `${h.pid}/${h.fd}`).join(',')}`;
}

/** What changed from checkpoint A to checkpoint B: processes are matched by pid, fds by number, sockets by inode. */
export function diffReports(a: InspectReport, b: InspectReport): ReportDiff {
  const pa = new Map(a.processes.map((p) => [p.pid, p]));
  const pb = new Map(b.processes.map((p) => [p.pid, p]));
  const processes: ReportDiff['processes'] = { added: [], removed: [], changed: [] };
  const memory: ReportDiff['memory'] = [];
  for (const p of b.processes) {
    const old = pa.get(p.pid);
    if (!old) {
      processes.added.push(brief(p));
      continue;
    }
    const changes = fieldChanges(old, p);
    const fds = fdChanges(old.fds, p.fds);
    const mem = memoryChange(old, p);
    const { vmas, ...totals } = mem;
    memory.push({ pid: p.pid, comm: p.comm, ...totals });
    const memChanged = mem.rssDelta !== 0 || mem.sizeDelta !== 0 || vmas.added.length + vmas.removed.length + vmas.changed.length > 0;
    if (changes.length || fds.added.length || fds.removed.length || fds.changed.length || memChanged) {
      processes.changed.push({ pid: p.pid, comm: p.comm, changes, fds, memory: mem });
    }
  }
  for (const p of a.processes) if (!pb.has(p.pid)) processes.removed.push(brief(p));
  memory.sort((x, y) => y.rssDelta - x.rssDelta || x.pid - y.pid);

  const sa = new Map(a.sockets.map((s) => [socketKey(s), s]));
  const sb = new Map(b.sockets.map((s) => [socketKey(s), s]));
  const sockets: ReportDiff['sockets'] = {
    added: [...sb].filter(([k]) => !sa.has(k)).map(([, s]) => s),
    removed: [...sa].filter(([k]) => !sb.has(k)).map(([, s]) => s),
  };
  const same = !processes.added.length && !processes.removed.length && !processes.changed.length && !sockets.added.length && !sockets.removed.length;
  const warnings: string[] = [];
  const ca = a.container;
  const cb = b.container;
  // Pids are only comparable within one container (or one process tree); across two the diff is mostly noise.
  if (ca?.id && cb?.id && ca.id !== cb.id) {
    warnings.push(`A and B are checkpoints of different containers (${ca.name ?? ca.id.slice(0, 12)} and ${cb.name ?? cb.id.slice(0, 12)}): processes are matched by pid only`);
  } else if (Boolean(ca) !== Boolean(cb)) {
    warnings.push('one of A and B is a container checkpoint and the other is not: processes are matched by pid only');
  }
  return { a: { path: a.source.path }, b: { path: b.source.path }, processes, sockets, memory, same, identical: null, warnings };
}

function size(n: number): string {
  const abs = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  if (abs >= 1024 * 1024 * 1024) return `${sign}${(abs / 1024 ** 3).toFixed(1)} GiB`;
  if (abs >= 1024 * 1024) return `${sign}${(abs / 1024 ** 2).toFixed(1)} MiB`;
  if (abs >= 1024) return `${sign}${(abs / 1024).toFixed(0)} KiB`;
  return `${sign}${abs} B`;
}

function delta(n: number): string {
  return n > 0 ? `+${size(n)}` : n < 0 ? size(n) : '±0';
}

function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s*\n\s*/g, ' \u21b5 ');
  return flat.length > max ? `${flat.slice(0, max - 1)}\u2026` : flat;
}

function command(p: { comm: string; cmdline: string[] }): string {
  return oneLine(p.cmdline.length ? p.cmdline.join(' ') : `[${p.comm}]`);
}

function value(field: FieldChange['field'], v: unknown): string {
  if (v === undefined) return '(none)';
  if (field === 'cmdline' && Array.isArray(v)) return oneLine(v.join(' '), 80);
  if (field === 'threads' && Array.isArray(v)) return `${v.length} (${oneLine(v.join(' '), 60)})`;
  return String(v);
}

function holders(s: SocketView): string {
  return s.holders.length ? `held by ${s.holders.map((h) => `pid ${h.pid} fd ${h.fd}`).join(', ')}` : 'not held by an fd';
}

function socketLine(s: SocketView): string {
  return [s.kind, s.type, 'socket', s.local, s.remote ? `-> ${s.remote}` : '', s.state ? `(${s.state})` : '', holders(s)].filter(Boolean).join(' ');
}

function vmaLine(v: VmaView): string {
  return `${v.start}-${v.end} ${size(v.sizeBytes)} ${v.prot} ${v.path ?? v.kind}${v.rssBytes ? `, rss ${size(v.rssBytes)}` : ''}`;
}

/** What the CLI and the diff view say when both sides are one checkpoint or byte for byte the same. */
export function identicalText(identical: Identical): string {
  if (identical === 'same-file') return 'Both sides are the same file: comparing a checkpoint with itself shows no differences.';
  if (identical === 'same-content') return 'Both sides have the same content byte for byte (copies of one checkpoint): they show no differences.';
  return '';
}

/** The readable form `stasis diff` prints: changes only, "+" added, "-" removed, "~" changed. */
export function renderDiff(d: ReportDiff, opts: { maxVmas?: number } = {}): string {
  const maxVmas = opts.maxVmas ?? 8;
  const lines: string[] = [`A: ${d.a.path}`, `B: ${d.b.path}`, ...d.warnings.map((w) => `warning: ${w}`)];
  const sameSides = identicalText(d.identical);
  if (sameSides) lines.push(sameSides);
  if (d.same) {
    if (!sameSides) lines.push('no differences in processes, fds, sockets or memory');
    return lines.map(escapeControl).join('\n');
  }
  const pr = d.processes;
  lines.push(`processes: ${pr.added.length} added, ${pr.removed.length} removed, ${pr.changed.length} changed`);
  for (const p of pr.added) lines.push(`  + ${p.pid} ${command(p)}  (ppid ${p.ppid}, ${p.state}, ${p.threads} thread${p.threads === 1 ? '' : 's'}, ${p.fds} fds, rss ${size(p.rssBytes)})`);
  for (const p of pr.removed) lines.push(`  - ${p.pid} ${command(p)}  (ppid ${p.ppid}, ${p.state}, ${p.fds} fds, rss ${size(p.rssBytes)})`);
  for (const p of pr.changed) {
    lines.push(`  ~ ${p.pid} ${p.comm}`);
    for (const c of p.changes) lines.push(`      ${c.field}: ${value(c.field, c.before)} -> ${value(c.field, c.after)}`);
    for (const f of p.fds.added) lines.push(`      + fd ${String(f.fd).padStart(3)}  ${f.description}`);
    for (const f of p.fds.removed) lines.push(`      - fd ${String(f.fd).padStart(3)}  ${f.description}`);
    for (const f of p.fds.changed) lines.push(`      ~ fd ${String(f.fd).padStart(3)}  ${f.before.description} -> ${f.after.description}`);
    const m = p.memory;
    if (m.rssDelta || m.sizeDelta || m.vmasBefore !== m.vmasAfter) {
      lines.push(`      memory: rss ${size(m.rssBefore)} -> ${size(m.rssAfter)} (${delta(m.rssDelta)}), mapped ${size(m.sizeBefore)} -> ${size(m.sizeAfter)} (${delta(m.sizeDelta)}), ${m.vmasBefore} -> ${m.vmasAfter} VMAs`);
    }
    const vmaLines = [
      ...m.vmas.added.map((v) => `      + vma ${vmaLine(v)}`),
      ...m.vmas.removed.map((v) => `      - vma ${vmaLine(v)}`),
      ...m.vmas.changed.map((c) => `      ~ vma ${vmaLine(c.before)} -> ${c.after.end === c.before.end ? '' : `end ${c.after.end}, `}${size(c.after.sizeBytes)} ${c.after.prot}, rss ${size(c.after.rssBytes)}`),
    ];
    lines.push(...vmaLines.slice(0, maxVmas));
    if (vmaLines.length > maxVmas) lines.push(`      … ${vmaLines.length - maxVmas} more VMA changes (--json lists all)`);
  }
  if (d.sockets.added.length || d.sockets.removed.length) {
    lines.push(`sockets: ${d.sockets.added.length} added, ${d.sockets.removed.length} removed`);
    for (const s of d.sockets.added) lines.push(`  + ${socketLine(s)}`);
    for (const s of d.sockets.removed) lines.push(`  - ${socketLine(s)}`);
  }
  const grew = d.memory.filter((m) => m.rssDelta !== 0 || m.sizeDelta !== 0);
  if (grew.length) {
    lines.push('memory growth (processes in both):');
    const rows = [['PID', 'COMM', 'RSS A', 'RSS B', 'Δ RSS', 'MAPPED A', 'MAPPED B', 'Δ MAPPED']];
    for (const m of grew) rows.push([String(m.pid), m.comm, size(m.rssBefore), size(m.rssAfter), delta(m.rssDelta), size(m.sizeBefore), size(m.sizeAfter), delta(m.sizeDelta)]);
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) lines.push(`  ${r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`);
  }
  // Every line is one line: a control character or newline from either image is shown escaped.
  return lines.map(escapeControl).join('\n');
}
