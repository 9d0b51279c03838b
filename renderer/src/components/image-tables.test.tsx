// @vitest-environment happy-dom
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { InspectReportData } from '../../../shared/domain/inspect-report';
import { processParts, reportSummary } from '../../../shared/domain/report-parts';
import { EnvTable, peersByFd, RootfsTree, rootfsRows, statLabel, statText, vmaName } from './image-tables';

beforeAll(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('virtual-scroll') ? 400 : 0;
  });
});
afterAll(() => vi.restoreAllMocks());
afterEach(cleanup);

describe('image tables', () => {
  it('builds the rootfs tree with directory sizes and deleted paths', () => {
    const rows = rootfsRows(
      [
        { path: 'tmp/a.txt', size: 100 },
        { path: 'tmp/sub/b.bin', size: 1000 },
        { path: 'etc/hosts', size: 7 },
      ],
      ['/etc/motd'],
    );
    expect(rows.map((r) => [r.path, r.depth, r.sizeBytes, r.change])).toEqual([
      ['/etc', 0, 7, 'mixed'],
      ['/etc/hosts', 1, 7, 'added'],
      ['/etc/motd', 1, 0, 'deleted'],
      ['/tmp', 0, 1100, 'added'],
      ['/tmp/a.txt', 1, 100, 'added'],
      ['/tmp/sub', 1, 1000, 'added'],
      ['/tmp/sub/b.bin', 2, 1000, 'added'],
    ]);
    expect(rows.find((r) => r.path === '/tmp')).toMatchObject({ dir: true, files: 2, name: 'tmp/' });
  });

  it('says what statistics and mappings are, in words and units', () => {
    expect(statLabel('pages_skipped_parent')).toBe('Pages unchanged since the parent (not written)');
    expect(statText('pages_written', 256)).toBe('256 pages (1.0 MiB)');
    expect(statText('frozen_time', 231349)).toBe('231.3 ms');
    expect(statText('freezing_time', 800)).toBe('800 µs');
    const vma = { start: '0x1', end: '0x2', sizeBytes: 4096, rssBytes: 0, prot: 'r-x', kind: 'file-private' };
    expect(vmaName({ ...vma, path: '/usr/bin/python3' }, '/usr/bin/python3')).toBe('python3 (executable)');
    expect(vmaName({ ...vma, path: '/usr/lib/x86_64-linux-gnu/libc.so.6' }, undefined)).toBe('libc.so.6 (library)');
    expect(vmaName({ ...vma, kind: 'stack,anon-private' }, undefined)).toBe('stack');
    expect(vmaName({ ...vma, kind: 'anon-private' }, undefined)).toBe('anonymous');
  });

  it("gives a process's socket fds their peers' holders (images.process), by fd", () => {
    const report: InspectReportData = {
      source: { path: '/x', format: 'dir', layout: 'images' },
      processes: [1, 2].map((pid) => ({
        pid, ppid: pid === 1 ? 0 : 1, pgid: 1, sid: 1, comm: 'p', threads: [pid], state: 'alive' as const, cmdline: [], namespaces: {},
        fds: [{ fd: pid === 1 ? 8 : 9, type: 'unixsk', description: 'socket' }], memory: { vmas: 0, sizeBytes: 0, rssBytes: 0, map: [] },
      })),
      sockets: [
        { id: 1, kind: 'unix', type: 'stream', state: 'established', holders: [{ pid: 1, fd: 8 }], peer: { ino: 2, holders: [{ pid: 2, fd: 9 }] } },
        { id: 2, kind: 'unix', type: 'stream', state: 'established', holders: [{ pid: 2, fd: 9 }], peer: { ino: 1, holders: [{ pid: 1, fd: 8 }] } },
      ],
      mounts: [], stats: null, container: null, unlinkedFiles: [], fileLocks: [], ipc: [], undecoded: [],
    };
    expect(peersByFd(processParts(report, 1)!.peers).get(8)).toEqual([{ pid: 2, fd: 9 }]);
    expect(peersByFd(processParts(report, 2)!.peers).get(9)).toEqual([{ pid: 1, fd: 8 }]);
    expect(processParts(report, 3)).toBeUndefined();
    const summary = reportSummary(report);
    expect(summary.socketCount).toBe(2);
    expect(summary.processes[0]).toMatchObject({ pid: 1, fdCount: 1, memory: { mapCount: 0 } });
    expect(summary.processes[0]).not.toHaveProperty('fds');
  });

  it('masks environment values until revealed, one or all', () => {
    render(<EnvTable environ={['PATH=/usr/bin', 'TOKEN=abc123']} />);
    expect(screen.queryByText('abc123')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Reveal TOKEN' }));
    expect(screen.getByText('abc123')).toBeTruthy();
    expect(screen.queryByText('/usr/bin')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Reveal all values' }));
    expect(screen.getByText('/usr/bin')).toBeTruthy();
  });

  it('opens and closes the rootfs tree by twisty, keys and Expand / Collapse all', () => {
    render(<RootfsTree added={[{ path: 'tmp/a.txt', size: 100 }, { path: 'tmp/sub/b.bin', size: 1000 }, { path: 'etc/hosts', size: 7 }]} deleted={['/etc/motd']} />);
    const paths = (): string[] => Array.from(document.querySelectorAll<HTMLElement>('tr[data-key]')).map((r) => r.dataset['key']!);
    expect(paths()).toEqual(['/etc', '/etc/hosts', '/etc/motd', '/tmp', '/tmp/a.txt', '/tmp/sub', '/tmp/sub/b.bin']);
    fireEvent.click(screen.getByRole('button', { name: 'Collapse /tmp' }));
    expect(paths()).toEqual(['/etc', '/etc/hosts', '/etc/motd', '/tmp']);
    expect(screen.getByRole('button', { name: 'Expand /tmp' }).getAttribute('aria-expanded')).toBe('false');
    // Keys on a directory's row: Right opens, Left closes, Enter toggles.
    const row = (path: string): HTMLElement => document.querySelector<HTMLElement>(`tr[data-key="${path}"]`)!;
    fireEvent.keyDown(row('/tmp'), { key: 'ArrowRight' });
    expect(paths()).toContain('/tmp/sub/b.bin');
    fireEvent.keyDown(row('/tmp/sub'), { key: 'ArrowLeft' });
    expect(paths()).not.toContain('/tmp/sub/b.bin');
    expect(paths()).toContain('/tmp/a.txt');
    fireEvent.keyDown(row('/etc'), { key: 'Enter' });
    expect(paths()).toEqual(['/etc', '/tmp', '/tmp/a.txt', '/tmp/sub']);
    fireEvent.click(screen.getByRole('button', { name: 'Collapse all' }));
    expect(paths()).toEqual(['/etc', '/tmp']);
    fireEvent.click(screen.getByRole('button', { name: 'Expand all' }));
    expect(paths()).toHaveLength(7);
    // Arrow Down still moves between rows (the table's own keys).
    fireEvent.keyDown(row('/etc'), { key: 'ArrowDown' });
    expect(row('/etc/hosts').tabIndex).toBe(0);
  });
});
