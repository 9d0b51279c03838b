// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { InspectReportData } from '../../../shared/domain/inspect-report';
import { reportSummary } from '../../../shared/domain/report-parts';
import { ProcessExtras, signalName } from './image-extra-process';
import { extrasCount, ReportExtras } from './image-extra-report';

type Process = InspectReportData['processes'][number];

afterEach(cleanup);

const proc: Process = {
  pid: 40, ppid: 1, pgid: 40, sid: 40, comm: 'worker', threads: [40, 41], state: 'alive', cmdline: [], namespaces: { ipc: 9 }, fds: [],
  memory: { vmas: 0, sizeBytes: 0, rssBytes: 0, map: [] },
  seccomp: 'filter',
  seccompFilters: [{ index: 1, instructions: 4, flags: 1 }, { index: 0, instructions: 12, flags: 0 }],
  rlimits: [{ resource: 'nofile', soft: '1024', hard: 'unlimited' }],
  timers: {
    itimers: [{ which: 'real', value: '0.500000', interval: '1.000000' }],
    posix: [{ id: 3, clock: 'monotonic', signal: 12, notify: 'signal', value: '2.000000000', interval: '0.000000000', overrun: 0 }],
  },
  pendingSignals: [{ signal: 10 }, { signal: 35, thread: 41 }],
};

const report: InspectReportData = {
  source: { path: '/x', format: 'dir', layout: 'images' },
  processes: [proc],
  sockets: [{ id: 7, kind: 'unix', type: 'dgram', state: '7', holders: [{ pid: 40, fd: 5 }], inFlight: [{ id: 10, type: 'pipe', description: 'pipe:[123] read end' }] }],
  mounts: [],
  stats: null,
  container: null,
  unlinkedFiles: [
    { path: '/tmp/gone', kind: 'file', holders: [], mappedBy: [40] },
    { path: '/tmp/dir', kind: 'directory', holders: [], cwdOf: [40] },
    { path: '/tmp/fifo', kind: 'fifo', holders: [{ pid: 40, fd: 6 }] },
  ],
  fileLocks: [{ pid: 40, fd: 4, kind: 'lease', type: 'breaking to read', start: 0, length: 0 }],
  ipc: [{ namespace: 9, kind: 'sem', id: 0, key: '0x0000dead', uid: 0, gid: 0, mode: '0640', semaphores: 10 }],
  undecoded: [],
};

describe('image browser extras', () => {
  it("shows a process's seccomp filters, timers, pending signals and limits", () => {
    render(<ProcessExtras p={proc} />);
    expect(screen.getByText(/#1: 4 BPF instructions/)).toBeTruthy();
    const timers = screen.getByRole('table', { name: 'Timers' });
    expect(within(timers).getByText('itimer real')).toBeTruthy();
    expect(within(timers).getByText('SIGUSR2')).toBeTruthy();
    expect(screen.getByLabelText('Pending signals').textContent).toBe('SIGUSR1, SIGRTMIN+1 → thread 41');
    expect(within(screen.getByRole('table', { name: 'Resource limits', hidden: true })).getByText('unlimited')).toBeTruthy();
    expect(signalName(99)).toBe('signal 99');
  });

  it('lists what is deleted but held, files in flight, locks and IPC objects; holders jump to the fd', () => {
    const onJump = vi.fn();
    render(<ReportExtras r={reportSummary(report)} onJump={onJump} />);
    expect(extrasCount(reportSummary(report))).toBe(6);
    const deleted = screen.getByRole('table', { name: 'Deleted but held' });
    expect(within(deleted).getByText('/tmp/gone (deleted)')).toBeTruthy();
    expect(within(deleted).getByText(/mapped by pid 40/)).toBeTruthy();
    expect(within(deleted).getByText(/cwd of pid 40/)).toBeTruthy();
    fireEvent.click(within(deleted).getByText('pid 40 fd 6'));
    expect(onJump).toHaveBeenCalledWith({ pid: 40, fd: 6 });
    expect(within(screen.getByRole('table', { name: 'Files in flight' })).getByText('pipe:[123] read end')).toBeTruthy();
    expect(within(screen.getByRole('table', { name: 'File locks and leases' })).getByText('breaking to read')).toBeTruthy();
    expect(within(screen.getByRole('table', { name: 'SysV IPC' })).getByText('10 semaphores')).toBeTruthy();
  });
});
