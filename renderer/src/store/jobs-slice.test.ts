import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../shared/api/client';
import type { Checkpoint } from '../../../shared/domain/checkpoint';
import { createRootStore } from '.';
import { fakeApi, manualTime, testDeps } from '../testing/fake-api';
import { appendHelperLog, HELPER_LOG_LINE_CHARS, HELPER_LOG_LINES, jobEtaMs, jobPercent, jobProgressText, LONG_JOB_MS, migrationReport } from './jobs-slice';

const checkpoint = (over: Partial<Checkpoint> = {}): Checkpoint => ({
  id: 'ck-20261129101010-aaaaaaaa',
  kind: 'checkpoint',
  host: 'h',
  created: '2026-11-29T10:10:10Z',
  container: { runtime: 'podman', id: 'c1', name: 'web', image: 'busybox' },
  lineage: 'ck-20261129101010-aaaaaaaa',
  parent: null,
  versions: { runtime: '4', criu: '4', kernel: '6', helper: '1' },
  options: [],
  sizes: { archive: 10 * 1024 * 1024, pages: 30 * 1024 * 1024, images: 1000 },
  archive: 'a.tar.zst',
  hasStats: false,
  recovered: false,
  note: '',
  hostId: 'stasis-a',
  ...over,
});

function setup(handlers: Parameters<typeof fakeApi>[0]) {
  const time = manualTime();
  const notifySystem = vi.fn();
  const { api, calls } = fakeApi({
    containers: { list: async () => ({ containers: [], errors: [] }) },
    checkpoints: { list: async () => ({ checkpoints: [], errors: [] }), ...handlers.checkpoints },
    ...(handlers.hosts ? { hosts: handlers.hosts } : {}),
  });
  const store = createRootStore(testDeps(api, { ...time.deps, notifySystem }));
  return { store, calls, time, notifySystem };
}

describe('jobs slice', () => {
  it('runs a checkpoint as a job with the operation id, progress, percentage of the expected total and a success notice', async () => {
    let finish!: (k: Checkpoint) => void;
    const { store, calls, time } = setup({ checkpoints: { create: () => new Promise<Checkpoint>((r) => (finish = r)) } });
    // The last checkpoint of this container on this host gives the expected total.
    store.setState({ listings: { 'stasis-a': { loading: false, containers: [], checkpoints: [checkpoint()] } } });
    const done = store.getState().checkpoint('stasis-a', 'podman', 'web', { leaveRunning: true });
    const [id] = store.getState().jobOrder;
    expect(calls.at(-1)).toMatchObject({ channel: 'checkpoints.create', input: { hostId: 'stasis-a', container: 'web', operationId: id } });
    let job = store.getState().jobs[id!]!;
    expect(job).toMatchObject({ kind: 'checkpoint', state: 'running', hostId: 'stasis-a', expectedBytes: 10 * 1024 * 1024, lineage: checkpoint().lineage, cancellable: true });

    time.advance(2000);
    store.getState().jobProgress({ operationId: id!, hostId: 'stasis-a', kind: 'checkpoint', phase: 'dump', bytes: 5 * 1024 * 1024, elapsedMs: 2000 });
    job = store.getState().jobs[id!]!;
    expect(jobPercent(job)).toBe(50);
    expect(jobEtaMs(job, time.now())).toBe(2000);
    expect(jobProgressText(job, time.now())).toBe('dump · 5.0 MiB of ~10 MiB (50 %) · 2.0 s · about 2.0 s left');

    finish(checkpoint({ id: 'ck-20261129111111-bbbbbbbb' }));
    const out = await done;
    expect(out.ok).toBe(true);
    job = store.getState().jobs[id!]!;
    expect(job.state).toBe('done');
    expect(jobPercent(job)).toBe(100);
    const notice = store.getState().notices.at(-1)!;
    expect(notice).toMatchObject({ tone: 'ok', hostId: 'stasis-a', jobId: id });
    expect(notice.text).toMatch(/^Checkpoint ck-20261129111111-bbbbbbbb of web saved on stasis-a \(10 MiB\)\.$/);
  });

  it('keeps a failure with what failed and the detail, for the dialog and the jobs page', async () => {
    const { store } = setup({
      checkpoints: {
        restore: async () => {
          throw new ApiError('operation-failed', 'podman restore failed: the name is in use. Restore a copy with a new name (--name).', 'Error: name "web" is in use');
        },
      },
    });
    const out = await store.getState().restore('stasis-a', 'ck-20261129101010-aaaaaaaa', {});
    expect(out).toEqual({
      ok: false,
      problem: {
        code: 'operation-failed',
        message: 'podman restore failed: the name is in use. Restore a copy with a new name (the “Restore as a new container named” field).',
        detail: 'Error: name "web" is in use',
      },
    });
    const job = Object.values(store.getState().jobs)[0]!;
    expect(job.state).toBe('failed');
    expect(job.log.at(-1)).toBe('Error: name "web" is in use');
    expect(store.getState().notices.at(-1)).toMatchObject({ tone: 'error', hostId: 'stasis-a', detail: 'Error: name "web" is in use' });
  });

  it('cancels through the operation id and ends as cancelled, not failed', async () => {
    let reject!: (e: unknown) => void;
    const { store, calls } = setup({
      checkpoints: {
        create: () => new Promise((_r, j) => (reject = j)),
        cancel: async () => {
          reject(new ApiError('cancelled', 'Cancelled.'));
          return { cancelled: true };
        },
      },
    });
    const done = store.getState().checkpoint('local', 'podman', 'web', {});
    const id = store.getState().jobOrder[0]!;
    await store.getState().cancelJob(id);
    expect(calls.find((c) => c.channel === 'checkpoints.cancel')?.input).toEqual({ operationId: id });
    await done;
    expect(store.getState().jobs[id]!.state).toBe('cancelled');
    expect(store.getState().notices.filter((n) => n.tone === 'error')).toHaveLength(0);
  });

  it('takes any kind of operation (a migration) and its progress with a total and ETA from the main side', async () => {
    const { store, time, notifySystem } = setup({});
    let finish!: (v: string) => void;
    const done = store.getState().runJob({ kind: 'migrate', hostId: 'stasis-a', title: 'Move web to stasis-b' }, () => new Promise<string>((r) => (finish = r)), (v) => v);
    const id = store.getState().jobOrder[0]!;
    store.getState().jobProgress({ operationId: id, phase: 'copy', bytes: 300, totalBytes: 1200, etaMs: 9000 });
    expect(jobProgressText(store.getState().jobs[id]!, time.now())).toBe('copy · 300 B of ~1.2 KiB (25 %) · 0.0 s · about 9.0 s left');
    expect(store.getState().jobs[id]!.cancellable).toBe(false);
    time.advance(LONG_JOB_MS + 1);
    finish('Moved web to stasis-b.');
    await done;
    // A long job ends with a system notification: the main side has none here (no app.notify reply), so the
    // renderer's own Web Notifications API.
    await vi.waitFor(() => expect(notifySystem).toHaveBeenCalledWith('Stasis: done', 'Moved web to stasis-b.'));
  });

  it('asks the main side to show the end of a long job, and falls back to the Web Notifications API when it did not', async () => {
    for (const shown of [true, false]) {
      const time = manualTime();
      const notifySystem = vi.fn();
      const { api, calls } = fakeApi({ containers: { list: async () => ({ containers: [], errors: [] }) }, checkpoints: { list: async () => ({ checkpoints: [], errors: [] }) }, app: { notify: async () => ({ shown }) } });
      const store = createRootStore(testDeps(api, { ...time.deps, notifySystem }));
      const done = store.getState().runJob({ kind: 'migrate', hostId: 'stasis-a', title: 'Move web' }, async () => (time.advance(LONG_JOB_MS + 1), 'Moved web.'), (v) => v);
      await done;
      await vi.waitFor(() => expect(calls.find((c) => c.channel === 'app.notify')?.input).toEqual({ title: 'Stasis: done', body: 'Moved web.' }));
      if (shown) {
        // Every pending promise settles before a macrotask runs: by then a fallback would have been called.
        await new Promise((resolve) => setTimeout(resolve, 0));
        expect(notifySystem).not.toHaveBeenCalled();
      } else {
        await vi.waitFor(() => expect(notifySystem).toHaveBeenCalledWith('Stasis: done', 'Moved web.'));
      }
    }
  });

  it('ignores progress of operations it does not know', () => {
    const { store } = setup({});
    store.getState().jobProgress({ operationId: 'someone-else', phase: 'dump', bytes: 1 });
    expect(store.getState().jobs).toEqual({});
  });

  it('runs a migration as a job of the source host, fed by migrationProgress, cancelled through migrate.cancel', async () => {
    let reject!: (e: unknown) => void;
    const time = manualTime();
    const { api, calls } = fakeApi({
      migrate: {
        start: () => new Promise((_r, j) => (reject = j)),
        cancel: async () => {
          reject(new ApiError('cancelled', 'Cancelled before the freeze; web still runs on stasis-a.'));
          return { cancelled: true };
        },
      },
      containers: { list: async () => ({ containers: [], errors: [] }) },
      checkpoints: { list: async () => ({ checkpoints: [], errors: [] }) },
    });
    const migrating = createRootStore(testDeps(api, time.deps));
    const done = migrating.getState().migrate({ sourceHostId: 'stasis-a', destHostId: 'stasis-b', container: 'web' });
    const id = migrating.getState().jobOrder[0]!;
    expect(migrating.getState().jobs[id]).toMatchObject({ kind: 'migrate', hostId: 'stasis-a', title: 'Move web from stasis-a to stasis-b', cancellable: true });
    migrating.getState().jobProgress(migrationReport({ operationId: id, sourceHostId: 'stasis-a', phase: 'transfer', bytes: 512, totalBytes: 2048, etaMs: null }));
    expect(jobPercent(migrating.getState().jobs[id]!)).toBe(25);
    await migrating.getState().cancelJob(id);
    expect((await done).ok).toBe(false);
    expect(migrating.getState().jobs[id]!.state).toBe('cancelled');
    expect(calls.filter((c) => c.channel.startsWith('migrate.'))).toEqual([
      { channel: 'migrate.start', input: { sourceHostId: 'stasis-a', destHostId: 'stasis-b', container: 'web', operationId: id } },
      { channel: 'migrate.cancel', input: { operationId: id } },
    ]);
  });

  it('restores onto another host as one job: copies the checkpoint there first (same operation id), then restores there', async () => {
    const { store, calls } = setup({
      checkpoints: {
        copy: async (input) => ({ ...checkpoint(), hostId: input.toHostId }),
        restore: async (input) => ({ hostId: input.hostId, checkpoint: input.checkpointId, container: { runtime: 'podman' as const, id: 'c2', name: 'web' } }),
      },
    });
    store.setState({ listings: { 'stasis-a': { loading: false, containers: [], checkpoints: [checkpoint()] } } });
    const out = await store.getState().restore('stasis-a', checkpoint().id, {}, 'stasis-b');
    expect(out.ok).toBe(true);
    const [id] = store.getState().jobOrder;
    expect(store.getState().jobs[id!]).toMatchObject({ kind: 'restore', hostId: 'stasis-b', title: 'Restore of web on stasis-b (from stasis-a)', state: 'done' });
    const ops = calls.filter((c) => c.channel === 'checkpoints.copy' || c.channel === 'checkpoints.restore');
    expect(ops).toEqual([
      { channel: 'checkpoints.copy', input: { fromHostId: 'stasis-a', checkpointId: checkpoint().id, toHostId: 'stasis-b', operationId: id } },
      { channel: 'checkpoints.restore', input: { hostId: 'stasis-b', checkpointId: checkpoint().id, options: {}, operationId: id } },
    ]);
  });

  it('does not copy again when the other host already stores the checkpoint; on its own host it never copies', async () => {
    const { store, calls } = setup({
      checkpoints: {
        restore: async (input) => ({ hostId: input.hostId, checkpoint: input.checkpointId, container: { runtime: 'podman' as const, id: 'c2', name: 'web' } }),
      },
    });
    store.setState({
      listings: {
        'stasis-a': { loading: false, containers: [], checkpoints: [checkpoint()] },
        'stasis-b': { loading: false, containers: [], checkpoints: [checkpoint({ hostId: 'stasis-b' })] },
      },
    });
    await store.getState().restore('stasis-a', checkpoint().id, {}, 'stasis-b');
    await store.getState().restore('stasis-a', checkpoint().id, {}, 'stasis-a');
    expect(calls.filter((c) => c.channel === 'checkpoints.copy')).toEqual([]);
    expect(calls.filter((c) => c.channel === 'checkpoints.restore').map((c) => (c.input as { hostId: string }).hostId)).toEqual(['stasis-b', 'stasis-a']);
  });

  it("keeps the helper's words per job: each progress line, then the error's code, message and detail lines", async () => {
    const { store } = setup({
      checkpoints: {
        restore: async () => {
          throw new ApiError('operation-failed', 'The runtime could not restore web.', 'criu: restore failed\nError (criu/cr-restore.c:123): oops');
        },
      },
    });
    const done = store.getState().restore('stasis-a', checkpoint().id, {});
    const [id] = store.getState().jobOrder;
    store.getState().jobProgress({ operationId: id!, hostId: 'stasis-a', kind: 'restore', phase: 'restore', bytes: 0, elapsedMs: 1500 });
    await done;
    expect(store.getState().jobs[id!]!.helperLog).toEqual([
      '+1.5s progress phase=restore bytes=0',
      'error operation-failed: The runtime could not restore web.',
      'criu: restore failed',
      'Error (criu/cr-restore.c:123): oops',
    ]);
  });

  it("a migration's own words go into the helper log with its progress line", () => {
    const r = migrationReport({ operationId: 'op-1', sourceHostId: 'stasis-a', phase: 'image-copy', bytes: 0, totalBytes: null, etaMs: null, message: 'copying busybox to stasis-b' });
    expect(r).toMatchObject({ message: 'copying busybox to stasis-b' });
    const { store } = setup({ checkpoints: { create: () => new Promise<Checkpoint>(() => {}) } });
    void store.getState().checkpoint('stasis-a', 'podman', 'web', {});
    const [id] = store.getState().jobOrder;
    store.getState().jobProgress({ ...r, operationId: id!, elapsedMs: 100 });
    expect(store.getState().jobs[id!]!.helperLog).toEqual(['+0.1s progress phase=image-copy bytes=0 copying busybox to stasis-b']);
  });

  it("bounds the helper's words: the newest lines stay, long lines are cut, the count of dropped ones is kept", () => {
    let log = { helperLog: [] as string[] };
    for (let i = 0; i < HELPER_LOG_LINES + 5; i++) log = { ...log, ...appendHelperLog(log, [`line ${i}`]) };
    expect(log.helperLog).toHaveLength(HELPER_LOG_LINES);
    expect(log.helperLog[0]).toBe('line 5');
    expect(log).toMatchObject({ helperLogDropped: 5 });
    const long = appendHelperLog({ helperLog: [] }, ['x'.repeat(HELPER_LOG_LINE_CHARS * 2)]);
    expect(long.helperLog[0]!.length).toBeLessThan(HELPER_LOG_LINE_CHARS + 20);
  });
});
