import { describe, expect, it } from 'vitest';
import { diffReports, renderDiff } from './diff';
import type { FdView, InspectReport, ProcessView, SocketView, VmaView } from './report';

const MiB = 1024 * 1024;

function vma(start: number, size: number, rss: number, extra: Partial<VmaView> = {}): VmaView {
  return { start: `0x${start.toString(16)}`, end: `0x${(start + size).toString(16)}`, sizeBytes: size, rssBytes: rss, prot: 'rw-', kind: 'anon', ...extra };
}

function proc(pid: number, extra: Partial<ProcessView> = {}, map: VmaView[] = [vma(0x10000, 4 * MiB, MiB)]): ProcessView {
  return {
    pid, ppid: pid === 1 ? 0 : 1, pgid: 1, sid: 1, comm: 'python3', threads: [pid], state: 'alive', cmdline: ['python3', 'app.py'],
    namespaces: {}, fds: [], cwd: '/tmp',
    memory: { vmas: map.length, sizeBytes: map.reduce((s, v) => s + v.sizeBytes, 0), rssBytes: map.reduce((s, v) => s + v.rssBytes, 0), map },
    ...extra,
  };
}

const fd = (n: number, type: string, description: string, path?: string): FdView => ({ fd: n, type, description, ...(path ? { path } : {}) });

function sock(ino: number, pid: number, fdNo: number): SocketView {
  return { id: ino + 1000, kind: 'unix', type: 'stream', state: 'established', ino, holders: [{ pid, fd: fdNo }] };
}

function report(path: string, processes: ProcessView[], sockets: SocketView[] = []): InspectReport {
  return { source: { path, format: 'tar+zstd', layout: 'container' }, processes, sockets, mounts: [], stats: null, container: null, unlinkedFiles: [], fileLocks: [], ipc: [], undecoded: [] };
}

describe('diffReports', () => {
  it('says two equal reports do not differ', () => {
    const a = report('a.tar', [proc(1, { fds: [fd(0, 'tty', 'terminal /dev/pts/0')] })], [sock(5, 1, 3)]);
    const d = diffReports(a, structuredClone(a));
    expect(d.same).toBe(true);
    expect(d.processes).toEqual({ added: [], removed: [], changed: [] });
    expect(d.memory).toEqual([expect.objectContaining({ pid: 1, rssDelta: 0, sizeDelta: 0 })]);
    expect(renderDiff(d)).toMatch(/no differences/);
  });

  it('lists processes added and removed by pid', () => {
    const a = report('a', [proc(1), proc(7, { comm: 'sleep', cmdline: ['sleep', '100'] })]);
    const b = report('b', [proc(1), proc(9, { comm: 'cat', cmdline: ['cat'], threads: [9, 10] })]);
    const d = diffReports(a, b);
    expect(d.processes.added).toEqual([expect.objectContaining({ pid: 9, comm: 'cat', threads: 2 })]);
    expect(d.processes.removed).toEqual([expect.objectContaining({ pid: 7, comm: 'sleep', cmdline: ['sleep', '100'] })]);
    expect(d.processes.changed).toEqual([]);
    const text = renderDiff(d);
    expect(text).toMatch(/^ {2}\+ 9 cat {2}\(ppid 1, alive, 2 threads/m);
    expect(text).toMatch(/^ {2}- 7 sleep 100/m);
  });

  it('reports comm, cmdline, state and thread changes of a process in both', () => {
    const a = report('a', [proc(1, { threads: [1, 2, 3] })]);
    const b = report('b', [proc(1, { comm: 'worker', cmdline: ['python3', 'other.py'], state: 'stopped', threads: [1, 2, 3, 4] })]);
    const [p] = diffReports(a, b).processes.changed;
    expect(p!.changes.map((c) => c.field)).toEqual(['comm', 'cmdline', 'state', 'threads']);
    expect(p!.changes.find((c) => c.field === 'threads')).toEqual({ field: 'threads', before: [1, 2, 3], after: [1, 2, 3, 4] });
    const text = renderDiff(diffReports(a, b));
    expect(text).toContain('state: alive -> stopped');
    expect(text).toContain('threads: 3 (1 2 3) -> 4 (1 2 3 4)');
  });

  it('does not count thread order as a change', () => {
    const d = diffReports(report('a', [proc(1, { threads: [1, 3, 2] })]), report('b', [proc(1, { threads: [1, 2, 3] })]));
    expect(d.same).toBe(true);
  });

  it('finds fds added, removed and changed per process', () => {
    const a = report('a', [proc(1, { fds: [fd(0, 'tty', 't'), fd(3, 'reg', 'file /tmp/a (read, pos 0)', '/tmp/a'), fd(4, 'pipe', 'pipe:[1] read end')] })]);
    const b = report('b', [proc(1, { fds: [fd(0, 'tty', 't'), fd(3, 'reg', 'file /tmp/a (read, pos 10)', '/tmp/a'), fd(5, 'reg', 'file /tmp/new.txt (write, pos 0)', '/tmp/new.txt')] })]);
    const p = diffReports(a, b).processes.changed[0]!;
    expect(p.fds.added.map((f) => f.fd)).toEqual([5]);
    expect(p.fds.removed.map((f) => f.fd)).toEqual([4]);
    expect(p.fds.changed).toEqual([{ fd: 3, before: expect.objectContaining({ description: 'file /tmp/a (read, pos 0)' }), after: expect.objectContaining({ description: 'file /tmp/a (read, pos 10)' }) }]);
    const text = renderDiff(diffReports(a, b));
    expect(text).toContain('+ fd   5  file /tmp/new.txt (write, pos 0)');
    expect(text).toContain('- fd   4  pipe:[1] read end');
    expect(text).toContain('~ fd   3  file /tmp/a (read, pos 0) -> file /tmp/a (read, pos 10)');
  });

  it('matches sockets by inode, not by CRIU file id', () => {
    const a = report('a', [proc(1)], [sock(100, 1, 3), sock(101, 1, 4)]);
    const moved = { ...sock(101, 1, 4), id: 7 };
    const b = report('b', [proc(1)], [moved, sock(102, 1, 5)]);
    const d = diffReports(a, b);
    expect(d.sockets.added.map((s) => s.ino)).toEqual([102]);
    expect(d.sockets.removed.map((s) => s.ino)).toEqual([100]);
    expect(renderDiff(d)).toContain('+ unix stream socket (established) held by pid 1 fd 5');
  });

  it('measures memory growth per process, rss and VMA sizes, with VMAs added, removed and resized', () => {
    const a = report('a', [proc(1, {}, [vma(0x10000, 4 * MiB, MiB), vma(0x7f0000000000, 2 * MiB, 0, { path: '/usr/lib/libc.so.6', kind: 'file-private' })]), proc(2)]);
    const b = report('b', [
      proc(1, {}, [vma(0x10000, 8 * MiB, 6 * MiB), vma(0x7f1000000000, 64 * MiB, 64 * MiB)]),
      proc(2),
    ]);
    const d = diffReports(a, b);
    expect(d.memory[0]).toEqual(expect.objectContaining({ pid: 1, rssBefore: MiB, rssAfter: 70 * MiB, rssDelta: 69 * MiB, sizeDelta: 66 * MiB, vmasBefore: 2, vmasAfter: 2 }));
    expect(d.memory[1]).toEqual(expect.objectContaining({ pid: 2, rssDelta: 0 }));
    const m = d.processes.changed[0]!.memory;
    expect(m.vmas.added.map((v) => v.start)).toEqual(['0x7f1000000000']);
    expect(m.vmas.removed.map((v) => v.path)).toEqual(['/usr/lib/libc.so.6']);
    expect(m.vmas.changed.map((c) => [c.before.sizeBytes, c.after.sizeBytes])).toEqual([[4 * MiB, 8 * MiB]]);
    expect(d.processes.changed.map((p) => p.pid)).toEqual([1]);
    const text = renderDiff(d);
    expect(text).toContain('memory: rss 1.0 MiB -> 70.0 MiB (+69.0 MiB), mapped 6.0 MiB -> 72.0 MiB (+66.0 MiB), 2 -> 2 VMAs');
    expect(text).toContain('- vma 0x7f0000000000-0x7f0000200000 2.0 MiB rw- /usr/lib/libc.so.6');
    expect(text).toMatch(/^ {2}1 +python3 +1\.0 MiB +70\.0 MiB +\+69\.0 MiB/m);
    expect(text).not.toMatch(/^ {2}2 +python3/m);
  });

  it('reports shrinking memory with a minus sign and caps the VMA lines in text', () => {
    const many = Array.from({ length: 20 }, (_, i) => vma(0x100000 * (i + 1), 4096, 4096));
    const d = diffReports(report('a', [proc(1, {}, many)]), report('b', [proc(1, {}, [])]));
    expect(d.memory[0]!.rssDelta).toBe(-20 * 4096);
    const text = renderDiff(d, { maxVmas: 5 });
    expect(text).toContain('(-80 KiB)');
    expect(text).toContain('… 15 more VMA changes (--json lists all)');
  });

  it('keeps the JSON form complete and serialisable', () => {
    const d = diffReports(report('a', [proc(1)]), report('b', [proc(1, { state: 'zombie' }), proc(3)]));
    const round = JSON.parse(JSON.stringify(d)) as typeof d;
    expect(round.processes.added[0]!.pid).toBe(3);
    expect(round.processes.changed[0]!.changes).toEqual([{ field: 'state', before: 'alive', after: 'zombie' }]);
    expect(round.same).toBe(false);
  });

  it('warns when A and B are checkpoints of different containers', () => {
    const a = { ...report('a', [proc(1)]), container: { id: 'aaaaaaaaaaaaaaaa', name: 'web' } };
    const b = { ...report('b', [proc(1)]), container: { id: 'bbbbbbbbbbbbbbbb', name: 'db' } };
    const d = diffReports(a, b);
    expect(d.warnings).toEqual([expect.stringContaining('different containers (web and db)')]);
    expect(renderDiff(d)).toMatch(/^warning: A and B are checkpoints of different containers/m);
    expect(diffReports(a, { ...a }).warnings).toEqual([]);
  });
});
