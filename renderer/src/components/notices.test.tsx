// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { createRootStore, StoreProvider } from '../store';
import { fakeApi, manualTime, testDeps } from '../testing/fake-api';
import { NOTICE_FADE_MS } from '../store/notices-slice';
import { Notices } from './notices';

afterEach(cleanup);

describe('Notices', () => {
  it('shows a host’s notices on that host’s page only, a job’s everywhere with its host named, and lets success fade', () => {
    const time = manualTime();
    const store = createRootStore(testDeps(fakeApi({}).api, time.deps));
    store.setState({ hosts: [{ id: 'stasis-a', name: 'stasis-a', kind: 'ssh', status: 'ok' }] });
    act(() => {
      store.getState().notify({ tone: 'error', text: 'Cannot reach ux-bogus.', hostId: 'ux-bogus' });
      store.getState().notify({ tone: 'ok', text: 'Checkpoint ck-1 of web saved.', hostId: 'stasis-a', jobId: 'checkpoint-1' });
    });
    const { rerender } = render(
      <StoreProvider store={store}>
        <Notices hostId="local" />
      </StoreProvider>,
    );
    expect(screen.queryByText(/ux-bogus/)).toBeNull();
    expect(screen.getByRole('status').textContent).toMatch(/^stasis-a: Checkpoint ck-1 of web saved\./);
    rerender(
      <StoreProvider store={store}>
        <Notices hostId="ux-bogus" />
      </StoreProvider>,
    );
    expect(screen.getByRole('alert').textContent).toMatch(/^Cannot reach ux-bogus\./);
    act(() => time.advance(NOTICE_FADE_MS));
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByRole('alert')).toBeTruthy();
  });
});
