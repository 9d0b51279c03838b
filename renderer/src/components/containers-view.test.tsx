// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { createRootStore, StoreProvider } from '../store';
import { fakeApi, manualTime, testDeps } from '../testing/fake-api';
import { ContainersView } from './containers-view';

afterEach(cleanup);

function setup(route: { q?: string; host?: string } = {}) {
  const store = createRootStore(testDeps(fakeApi({}).api, manualTime().deps));
  store.setState({
    hosts: [
      { id: 'local', name: 'This computer', kind: 'local', status: 'ok' },
      { id: 'stasis-a', name: 'stasis-a', kind: 'ssh', status: 'ok' },
      { id: 'slow', name: 'slow', kind: 'ssh', status: 'unknown' },
      { id: 'far', name: 'far', kind: 'ssh', status: 'unreachable', error: 'Cannot reach far: connection refused.' },
    ],
    listings: {
      local: { loading: false, loadedAt: 1, checkpoints: [], containers: [{ host: 'local', runtime: 'podman', id: 'c1', name: 'web', state: 'running', image: 'nginx', status: 'Up 3 minutes' }] },
      'stasis-a': { loading: false, loadedAt: 1, checkpoints: [], containers: [{ host: 'stasis-a', runtime: 'docker', id: 'c2', name: 'db', state: 'exited', image: 'postgres' }] },
      slow: { loading: true, checkpoints: [], containers: [] },
    },
  });
  render(
    <StoreProvider store={store}>
      <ContainersView route={{ name: 'containers', ...route }} />
    </StoreProvider>,
  );
}

describe('ContainersView', () => {
  it('lists every answering host’s containers while others are still connecting or down', () => {
    setup();
    const rows = within(screen.getByRole('table', { name: 'All containers' })).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([expect.stringMatching(/^dbpostgresstasis-adockerexited/), expect.stringMatching(/^webnginxThis computerpodmanrunningfor 3 minutes/)]);
    const chips = within(screen.getByRole('list', { name: 'Hosts' }));
    expect(chips.getByText('slow').parentElement!.textContent).toMatch(/connecting…/);
    expect(chips.getByText('far').parentElement!.textContent).toMatch(/down$/);
    expect(chips.getByText('far').parentElement!.getAttribute('title')).toBe('Cannot reach far: connection refused.');
    // A running container on a host that can checkpoint can be checkpointed from its row.
    expect(screen.getByRole('button', { name: 'Checkpoint web on This computer' }).hasAttribute('disabled')).toBe(false);
  });

  it('filters by the route’s search and host, and says what to do when nothing matches', () => {
    setup({ q: 'NGIN' });
    expect(within(screen.getByRole('table', { name: 'All containers' })).getAllByRole('row')).toHaveLength(2);
    cleanup();
    setup({ host: 'far' });
    expect(screen.queryByRole('table', { name: 'All containers' })).toBeNull();
    expect(screen.getByText(/No container matches these filters/)).toBeTruthy();
  });

  it('shows memory in use now from the runtime, with the start time behind the uptime; an exited one shows none', () => {
    const store = createRootStore(testDeps(fakeApi({}).api, manualTime().deps));
    store.setState({
      hosts: [{ id: 'local', name: 'This computer', kind: 'local', status: 'ok' }],
      listings: {
        local: {
          loading: false,
          loadedAt: 1,
          checkpoints: [],
          containers: [
            { host: 'local', runtime: 'podman', id: 'c1', name: 'web', state: 'running', status: 'Up 3 minutes', startedAt: '2026-11-29T10:00:00.000Z', memoryBytes: 3 * 1024 * 1024 },
            { host: 'local', runtime: 'podman', id: 'c3', name: 'gone', state: 'exited', memoryBytes: 5 },
          ],
        },
      },
    });
    render(
      <StoreProvider store={store}>
        <ContainersView route={{ name: 'containers' }} />
      </StoreProvider>,
    );
    const table = within(screen.getByRole('table', { name: 'All containers' }));
    const web = table.getByText('3.0 MiB');
    expect(web.getAttribute('title')).toMatch(/in use now/);
    expect(table.getByText('for 3 minutes').getAttribute('title')).toBe(`since ${new Date('2026-11-29T10:00:00.000Z').toLocaleString()}`);
    const gone = table.getAllByRole('row').find((r) => r.textContent?.startsWith('gone'))!;
    expect(gone.textContent).not.toMatch(/B\b/);
  });
});
