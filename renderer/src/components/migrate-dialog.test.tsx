// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { ApiError } from '../../../shared/api/client';
import type { MigrationPlan, MigrationResult } from '../../../shared/domain/migration';
import { createRootStore, StoreProvider, type RootStore } from '../store';
import { migrationReport } from '../store/jobs-slice';
import { fakeApi, manualTime, testDeps } from '../testing/fake-api';
import { MigrateDialog, MigrateDialogHost } from './migrate-dialog';

// The dialog's states with a recording stand-in API (e2e/migrate-dialog.spec.ts moves a real container between
// the SSH test hosts): checklist, the image fix, progress with a cancel that says what it does, summary, refusal.
afterEach(cleanup);

const plan = (over: Partial<MigrationPlan> = {}): MigrationPlan => ({
  sourceHostId: 'stasis-a',
  destHostId: 'stasis-b',
  runtime: 'podman',
  container: { id: 'c1', name: 'web', image: 'localhost/stasis-busybox:latest' },
  ok: true,
  strategy: 'stop-and-copy',
  strategyReason: 'lazy pages need a process tree; pre-copy needs soft-dirty tracking, which this kernel lacks.',
  expectedDowntimeMs: 1500,
  memoryBytes: 4 * 1024 * 1024,
  checks: [
    { id: 'helper', label: 'Helper on both hosts', verdict: 'ok', detail: 'version 1 on both' },
    { id: 'name', label: 'Name free on stasis-b', verdict: 'ok', detail: 'no container named web there' },
  ],
  ...over,
});

const result: MigrationResult = {
  operationId: 'migrate-test-0000',
  migrationId: 'm1',
  strategy: 'stop-and-copy',
  strategyReason: 'r',
  runningOn: 'stasis-b',
  rolledBack: false,
  container: { runtime: 'podman', id: 'c9', name: 'web' },
  downtimeMs: 1234,
  totalMs: 5678,
  bytes: 3 * 1024 * 1024,
  imageBytes: 0,
  checkpointId: 'ck-20261129-000000-abcd',
  destCheckpointId: null,
  digest: null,
  phases: [],
  preflight: [],
  message: 'Moved web from stasis-a to stasis-b.',
};

function setup(handlers: Parameters<typeof fakeApi>[0], runtime: 'podman' | 'process' = 'podman') {
  const { api, calls } = fakeApi(handlers);
  const store: RootStore = createRootStore(testDeps(api, manualTime().deps));
  store.setState({
    hosts: [
      { id: 'stasis-a', name: 'stasis-a', kind: 'ssh', status: 'ok' },
      { id: 'stasis-b', name: 'stasis-b', kind: 'ssh', status: 'ok' },
    ],
  });
  let closed = 0;
  render(
    <StoreProvider store={store}>
      <MigrateDialog target={{ hostId: 'stasis-a', runtime, container: runtime === 'process' ? '4242' : 'web' }} onClose={() => closed++} />
    </StoreProvider>,
  );
  return { store, calls, closed: () => closed };
}

const settle = (): Promise<void> => act(async () => {});

describe('MigrateDialog', () => {
  it('shows the checklist and the strategy with why; starts, shows phases and bytes, then the summary', async () => {
    let finish: (r: MigrationResult) => void = () => {};
    const { store, calls } = setup({
      migrate: { check: () => Promise.resolve(plan()), start: () => new Promise<MigrationResult>((r) => (finish = r)), cancel: () => Promise.resolve({ cancelled: true }) as never },
    });
    await settle();
    const checklist = screen.getByRole('region', { name: 'Preflight checklist' });
    expect(within(checklist).getAllByRole('row')).toHaveLength(3);
    expect(checklist.textContent).toContain('Strategy: stop-and-copy — lazy pages need a process tree');
    expect(checklist.textContent).toContain('Expected downtime about');
    expect(calls[0]).toEqual({ channel: 'migrate.check', input: { sourceHostId: 'stasis-a', runtime: 'podman', container: 'web', destHostId: 'stasis-b', keepSource: false, copyImage: false } });

    fireEvent.click(screen.getByRole('button', { name: 'Start migration' }));
    await settle();
    const jobId = store.getState().jobOrder[0]!;
    expect(calls.at(-1)).toMatchObject({ channel: 'migrate.start', input: { destHostId: 'stasis-b', operationId: jobId } });
    // Before the freeze, Cancel is clean; after it, the dialog says it rolls back.
    act(() => store.getState().jobProgress(migrationReport({ operationId: jobId, sourceHostId: 'stasis-a', phase: 'preflight', bytes: 0, totalBytes: null, etaMs: null })));
    expect(screen.getByText(/Nothing has stopped yet/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
    act(() => store.getState().jobProgress(migrationReport({ operationId: jobId, sourceHostId: 'stasis-a', phase: 'transfer', bytes: 2 * 1024 * 1024, totalBytes: 4 * 1024 * 1024, etaMs: null })));
    expect(screen.getByText(/Cancel rolls back: it is restored on stasis-a/)).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Phases so far' })).getAllByRole('listitem').map((l) => l.textContent)).toEqual(['preflight', 'transfer']);
    expect(document.body.textContent).toContain('2.0 MiB of ~4.0 MiB');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel and roll back' }));
    await settle();
    expect(calls.at(-1)).toEqual({ channel: 'migrate.cancel', input: { operationId: jobId } });

    await act(async () => finish(result));
    const summary = screen.getByRole('region', { name: 'Migration summary' });
    expect(summary.textContent).toContain('Runs onstasis-b as web');
    expect(summary.textContent).toMatch(/Downtime1\.2 s/);
    expect(summary.textContent).toContain('3.0 MiB');
  });

  it('keeps Start off while a check fails; a fixable image check offers the copy, which checks again with copyImage', async () => {
    const { calls } = setup({
      migrate: {
        check: (input) =>
          Promise.resolve(
            (input as { copyImage: boolean }).copyImage
              ? plan()
              : plan({ ok: false, checks: [{ id: 'image', label: 'Image on stasis-b', verdict: 'fixable', detail: 'localhost/stasis-busybox:latest is missing there', fix: 'Copy it over.' }] }),
          ),
      },
    });
    await settle();
    const start = screen.getByRole('button', { name: 'Start migration' });
    expect(start.hasAttribute('disabled')).toBe(true);
    expect(screen.getByText('Copy it over.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Copy the image to the destination' }));
    await settle();
    expect(calls.at(-1)).toMatchObject({ channel: 'migrate.check', input: { copyImage: true } });
    expect(screen.getByRole('button', { name: 'Start migration' }).hasAttribute('disabled')).toBe(false);
  });

  it('shows a refusal in the app’s words (a process tree the backend cannot move) and Esc closes', async () => {
    const { closed } = setup({ migrate: { check: () => Promise.reject(new ApiError('not-supported', 'Migrating plain process trees is not built yet.')) } }, 'process');
    await settle();
    expect(screen.getByRole('alert').textContent).toContain('Migrating plain process trees is not built yet.');
    expect(screen.getByRole('button', { name: 'Start migration' }).hasAttribute('disabled')).toBe(true);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(closed()).toBe(1);
  });

  it('lives in the store, not in the row that opened it: openMigrate shows it, Esc clears it', async () => {
    const { api } = fakeApi({ migrate: { check: () => Promise.resolve(plan()) } });
    const store = createRootStore(testDeps(api, manualTime().deps));
    store.setState({ hosts: [{ id: 'stasis-a', name: 'stasis-a', kind: 'ssh', status: 'ok' }, { id: 'stasis-b', name: 'stasis-b', kind: 'ssh', status: 'ok' }] });
    render(
      <StoreProvider store={store}>
        <MigrateDialogHost />
      </StoreProvider>,
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    act(() => store.getState().openMigrate({ hostId: 'stasis-a', runtime: 'podman', container: 'web' }));
    await settle();
    expect(screen.getByRole('dialog', { name: 'Migrate web from stasis-a' })).toBeTruthy();
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(store.getState().migrateTarget).toBeUndefined();
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
