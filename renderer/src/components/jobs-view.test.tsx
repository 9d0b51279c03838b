// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ApiError } from '../../../shared/api/client';
import { createRootStore, StoreProvider } from '../store';
import { fakeApi, manualTime, testDeps } from '../testing/fake-api';
import { JobsView } from './jobs-view';
import { Notices } from './notices';

afterEach(cleanup);

function setup() {
  let reject!: (e: unknown) => void;
  const { api, calls } = fakeApi({
    checkpoints: {
      create: () => new Promise((_r, j) => (reject = j)),
      cancel: async () => ({ cancelled: true }),
      list: async () => ({ checkpoints: [], errors: [] }),
    },
    containers: { list: async () => ({ containers: [], errors: [] }) },
  });
  const store = createRootStore(testDeps(api, manualTime().deps));
  render(
    <StoreProvider store={store}>
      <Notices hostId={undefined} />
      <JobsView selected={undefined} />
    </StoreProvider>,
  );
  return { store, calls, fail: (e: unknown) => reject(e) };
}

describe('JobsView', () => {
  it('says what to do when there are no jobs', () => {
    setup();
    expect(screen.getByText(/No jobs yet/).textContent).toMatch(/Start one from All containers/);
  });

  it('shows a running job with its phase and a Cancel that reaches the main side; its log is one click away', async () => {
    const { store, calls } = setup();
    await act(async () => void store.getState().checkpoint('stasis-a', 'podman', 'web', {}));
    const id = store.getState().jobOrder[0]!;
    act(() => store.getState().jobProgress({ operationId: id, hostId: 'stasis-a', kind: 'checkpoint', phase: 'dump', bytes: 2048, elapsedMs: 100 }));
    const item = screen.getByRole('listitem', { name: 'Checkpoint of web on stasis-a' });
    expect(item.textContent).toMatch(/running.*dump · 2\.0 KiB/);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel Checkpoint of web on stasis-a' })));
    expect(calls.find((c) => c.channel === 'checkpoints.cancel')?.input).toEqual({ operationId: id });
    fireEvent.click(screen.getByRole('button', { name: 'Log' }));
    expect(screen.getByLabelText('Log of Checkpoint of web on stasis-a').textContent).toMatch(/Started on stasis-a\.\nPhase: dump\nCancel asked\./);
  });

  it('shows a failed job with the error and the next step, and the notice names the host', async () => {
    const { store, fail } = setup();
    let done!: Promise<unknown>;
    act(() => void (done = store.getState().checkpoint('stasis-a', 'podman', 'web', {})));
    await act(async () => {
      fail(new ApiError('helper-missing', 'The Stasis helper is not installed on stasis-a.'));
      await done;
    });
    const item = screen.getByRole('listitem', { name: 'Checkpoint of web on stasis-a' });
    expect(item.textContent).toMatch(/failed/);
    expect(item.textContent).toMatch(/The Stasis helper is not installed on stasis-a\. Open stasis-a's page and press “Set up this host”\./);
    expect(screen.getByRole('alert').textContent).toMatch(/^stasis-a: Checkpoint of web on stasis-a failed: The Stasis helper is not installed/);
  });

  it("shows the helper's own words of a failed job, the runtime's last lines included, one click from the job", async () => {
    const { store, fail } = setup();
    let done!: Promise<unknown>;
    act(() => void (done = store.getState().checkpoint('stasis-a', 'podman', 'web', {})));
    const id = store.getState().jobOrder[0]!;
    act(() => store.getState().jobProgress({ operationId: id, hostId: 'stasis-a', kind: 'checkpoint', phase: 'dump', bytes: 4096, elapsedMs: 200 }));
    await act(async () => {
      fail(new ApiError('operation-failed', 'podman could not checkpoint web.', 'Error (criu/cr-dump.c:1): task 7 is stopped'));
      await done;
    });
    fireEvent.click(screen.getByRole('button', { name: 'Log' }));
    expect(screen.getByText(/The helper's own words \(3 lines\)/)).toBeTruthy();
    expect(screen.getByLabelText('Helper log of Checkpoint of web on stasis-a').textContent).toBe(
      '+0.2s progress phase=dump bytes=4096\nerror operation-failed: podman could not checkpoint web.\nError (criu/cr-dump.c:1): task 7 is stopped',
    );
  });
});
