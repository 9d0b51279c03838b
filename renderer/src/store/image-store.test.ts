import { describe, expect, it } from 'vitest';
import type { InspectReportData } from '../../../shared/domain/inspect-report';
import { processParts, reportSummary } from '../../../shared/domain/report-parts';
import { fakeApi } from '../testing/fake-api';
import { createImageStore } from './image-store';

const proc = (pid: number, ppid: number): InspectReportData['processes'][number] => ({
  pid, ppid, pgid: 1, sid: 1, comm: `p${pid}`, threads: [pid], state: 'alive', cmdline: [], namespaces: {},
  fds: [{ fd: 3, type: 'unixsk', description: `socket of ${pid}` }], memory: { vmas: 0, sizeBytes: 0, rssBytes: 0, map: [] },
  rlimits: [{ resource: 'nofile', soft: '1024', hard: '1024' }],
});
const report: InspectReportData = {
  source: { path: '/x', format: 'dir', layout: 'images' },
  processes: [proc(1, 0), proc(2, 1)],
  sockets: [{ id: 9, kind: 'unix', type: 'stream', state: 'established', holders: [{ pid: 1, fd: 3 }], peer: { ino: 8, holders: [{ pid: 2, fd: 3 }] } }],
  mounts: [], stats: null, container: null, unlinkedFiles: [], fileLocks: [], ipc: [], undecoded: [],
};

describe('image store', () => {
  it('reads the summary (with the first process), then other processes and the sockets when asked, each once', async () => {
    const source = { hostId: 'local', checkpointId: 'ck-20260101000000-abcdef12' };
    const { api, calls } = fakeApi({
      images: {
        summary: async () => reportSummary(report),
        process: async ({ pid }) => processParts(report, pid)!,
        sockets: async () => report.sockets,
      },
    });
    const store = createImageStore(api, source);
    await store.getState().load();
    const s = store.getState();
    expect(s.report?.processes.map((p) => [p.pid, p.fdCount])).toEqual([[1, 1], [2, 1]]);
    expect(s.report?.processes[0]).not.toHaveProperty('rlimits');
    // The first process came with the summary: no request for it.
    expect(s.parts[1]?.value?.peers).toEqual([{ fd: 3, holders: [{ pid: 2, fd: 3 }] }]);
    await Promise.all([store.getState().loadProcess(1), store.getState().loadProcess(2), store.getState().loadProcess(2)]);
    expect(store.getState().parts[2]?.value?.rlimits).toEqual([{ resource: 'nofile', soft: '1024', hard: '1024' }]);
    await store.getState().loadSockets();
    await store.getState().loadSockets();
    expect(store.getState().sockets.value).toHaveLength(1);
    expect(calls.map((c) => c.channel)).toEqual(['images.summary', 'images.process', 'images.sockets']);
    expect(calls[0]!.input).toEqual({ source });
  });

  it("keeps a part's failure on that part, and asks again next time", async () => {
    let fail = true;
    const { api } = fakeApi({
      images: {
        summary: async () => reportSummary(report),
        process: async ({ pid }) => (fail ? Promise.reject(new Error('helper went away')) : processParts(report, pid)!),
      },
    });
    const store = createImageStore(api, { path: '/tmp/c.tar' });
    await store.getState().load();
    await store.getState().loadProcess(2);
    expect(store.getState().parts[2]).toMatchObject({ busy: false, error: expect.stringContaining('helper went away') });
    expect(store.getState().report).toBeDefined();
    fail = false;
    await store.getState().loadProcess(2);
    expect(store.getState().parts[2]?.value?.pid).toBe(2);
  });
});
