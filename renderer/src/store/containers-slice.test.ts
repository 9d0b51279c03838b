import { describe, expect, it, vi } from 'vitest';
import { createRootStore } from '.';
import type { HostSummary } from '../../../shared/domain/host';
import { fakeApi, manualTime, testDeps } from '../testing/fake-api';
import { frozenMsOf } from './containers-slice';
import { containerRows, filterRows, hostAvailability, uptimeOf } from './selectors';

const host = (id: string, status: HostSummary['status'] = 'ok'): HostSummary => ({ id, name: id === 'local' ? 'This computer' : id, kind: id === 'local' ? 'local' : 'ssh', status });

describe('containers slice', () => {
  it('lists each host on its own: a host that never answers does not hold up the others, one that fails says why', async () => {
    const { api } = fakeApi({
      containers: {
        list: ({ hostId }) => {
          if (hostId === 'slow') return new Promise(() => {});
          if (hostId === 'down') return Promise.resolve({ containers: [], errors: [{ host: 'down', code: 'host-unreachable', message: 'Cannot reach down: connection refused.' }] });
          return Promise.resolve({
            containers: [{ host: hostId!, runtime: 'podman' as const, id: `${hostId}-1`, name: 'web', state: 'running', image: 'busybox', status: 'Up 5 minutes ago' }],
            errors: [],
          });
        },
      },
      checkpoints: { list: async () => ({ checkpoints: [], errors: [] }) },
    });
    const store = createRootStore(testDeps(api, manualTime().deps));
    store.setState({ hosts: [host('local'), host('slow'), host('down')] });
    void store.getState().refreshAll();
    await new Promise((r) => setTimeout(r, 0));
    const { hosts, listings } = store.getState();
    expect(containerRows(hosts, listings).map((r) => [r.hostId, r.name, r.uptime])).toEqual([['local', 'web', '5 minutes']]);
    expect(hostAvailability(hosts, listings)).toEqual([
      { hostId: 'local', name: 'This computer', state: 'ok' },
      { hostId: 'slow', name: 'slow', state: 'loading' },
      { hostId: 'down', name: 'down', state: 'down', message: 'Cannot reach down: connection refused.' },
    ]);
  });

  it('does not list a host again while its list is on its way (the app and the image picker both ask at start-up)', async () => {
    let answer: () => void = () => {};
    const { api, calls } = fakeApi({
      containers: { list: () => new Promise((r) => (answer = () => r({ containers: [], errors: [] }))) },
      checkpoints: { list: async () => ({ checkpoints: [], errors: [] }) },
    });
    const store = createRootStore(testDeps(api, manualTime().deps));
    store.setState({ hosts: [host('local')] });
    const first = store.getState().refreshAll();
    await store.getState().refreshAll();
    expect(calls.filter((c) => c.channel === 'containers.list')).toHaveLength(1);
    answer();
    await first;
    const again = store.getState().refreshAll();
    answer();
    await again;
    expect(calls.filter((c) => c.channel === 'containers.list')).toHaveLength(2);
  });

  it('holds the lists while a deep-linked image loads, then lists once when its summary has come', async () => {
    const { api, calls } = fakeApi({
      containers: { list: async () => ({ containers: [], errors: [] }) },
      checkpoints: { list: async () => ({ checkpoints: [], errors: [] }) },
      images: { summary: () => Promise.reject(new Error('gone')) },
    });
    const store = createRootStore(testDeps(api, manualTime().deps));
    store.setState({ hosts: [host('local')] });
    store.getState().holdLists();
    await store.getState().refreshAll();
    await store.getState().refreshAll();
    expect(calls.filter((c) => c.channel === 'containers.list')).toHaveLength(0);
    // The image's read settles (here it fails: the lists must come all the same).
    await store.getState().newImageStore({ path: '/nonexistent.tar' }).getState().load();
    await vi.waitFor(() => expect(calls.filter((c) => c.channel === 'containers.list')).toHaveLength(1));
    expect(store.getState().listsHeld).toBe(false);
    store.getState().releaseLists();
    expect(calls.filter((c) => c.channel === 'containers.list')).toHaveLength(1);
  });

  it('debounces refreshes asked for by a burst of events into one per host', async () => {
    const time = manualTime();
    const { api, calls } = fakeApi({ containers: { list: async () => ({ containers: [], errors: [] }) }, checkpoints: { list: async () => ({ checkpoints: [], errors: [] }) } });
    const store = createRootStore(testDeps(api, time.deps));
    for (let i = 0; i < 5; i++) store.getState().refreshSoon('stasis-a');
    expect(calls).toHaveLength(0);
    time.advance(1000);
    expect(calls.map((c) => c.channel)).toEqual(['containers.list', 'checkpoints.list']);
  });
});

describe('container rows', () => {
  it('joins containers with their checkpoints and the host’s capabilities, and filters', () => {
    const k = { id: 'ck-1aaaa', created: '2026-11-29T10:00:00Z', lineage: 'L1', container: { id: 'c1', name: 'web' }, sizes: { archive: 5, pages: 40, images: 1 } };
    const rows = containerRows([host('local')], {
      local: {
        loading: false,
        containers: [
          { host: 'local', runtime: 'podman', id: 'c1', name: 'web', state: 'running', image: 'nginx', status: 'Up 2 hours' },
          { host: 'local', runtime: 'docker', id: 'c2', name: 'db', state: 'exited', image: 'postgres' },
        ],
        checkpoints: [k, { ...k, id: 'ck-2bbbb', created: '2026-11-29T11:00:00Z' }] as never,
      },
    });
    expect(rows[0]).toMatchObject({ name: 'web', checkpointCount: 2, lineage: 'L1', memoryBytes: 40, canCheckpoint: true, uptime: '2 hours' });
    expect(rows[0]!.lastCheckpoint!.id).toBe('ck-2bbbb');
    expect(rows[1]).toMatchObject({ name: 'db', checkpointCount: 0, canCheckpoint: false, cannotWhy: 'it is exited; start it first' });
    expect(filterRows(rows, { q: 'POST' }).map((r) => r.name)).toEqual(['db']);
    expect(filterRows(rows, { runtime: 'podman', state: 'running' }).map((r) => r.name)).toEqual(['web']);
    expect(filterRows(rows, { host: 'other' })).toEqual([]);
  });

  it('prefers the memory the runtime reports now over the last checkpoint’s pages, and keeps when it started', () => {
    const k = { id: 'ck-1aaaa', created: '2026-11-29T10:00:00Z', lineage: 'L1', container: { id: 'c1', name: 'web' }, sizes: { archive: 5, pages: 40, images: 1 } };
    const c = { host: 'local', runtime: 'podman' as const, id: 'c1', name: 'web', state: 'running', status: 'Up 2 hours', startedAt: '2026-11-29T08:00:00.000Z' };
    const now = containerRows([host('local')], { local: { loading: false, containers: [{ ...c, memoryBytes: 4096 }], checkpoints: [k] as never } });
    expect(now[0]).toMatchObject({ memoryBytes: 4096, memoryFrom: 'runtime', startedAt: '2026-11-29T08:00:00.000Z' });
    const then = containerRows([host('local')], { local: { loading: false, containers: [c], checkpoints: [k] as never } });
    expect(then[0]).toMatchObject({ memoryBytes: 40, memoryFrom: 'checkpoint' });
  });

  it('reads uptime from the runtime’s status words and frozen time from podman’s statistics', () => {
    expect(uptimeOf('Up 3 seconds ago')).toBe('3 seconds');
    expect(uptimeOf('Up 2 hours (Paused)')).toBe('2 hours');
    expect(uptimeOf('Up About a minute ago')).toBe('about a minute');
    expect(uptimeOf('Exited (0) 2 minutes ago')).toBeUndefined();
    expect(frozenMsOf({ criu_statistics: { frozen_time: 52_000 } })).toBe(52);
    expect(frozenMsOf({ nothing: 1 })).toBeUndefined();
    expect(frozenMsOf(null)).toBeUndefined();
  });
});
