// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ApiError } from '../../../shared/api/client';
import type { Checkpoint } from '../../../shared/domain/checkpoint';
import { createRootStore, StoreProvider } from '../store';
import { fakeApi, manualTime, testDeps } from '../testing/fake-api';
import { RestoreDialog } from './checkpoint-actions';

afterEach(cleanup);

const checkpoint: Checkpoint = {
  id: 'ck-20261129101010-aaaaaaaa',
  kind: 'checkpoint',
  host: 'stasis-a',
  created: '2026-11-29T10:10:10Z',
  container: { runtime: 'podman', id: 'c1', name: 'web', image: 'busybox' },
  lineage: 'ck-20261129101010-aaaaaaaa',
  parent: null,
  versions: { runtime: '4', criu: '4', kernel: '6', helper: '1' },
  options: [],
  sizes: { archive: 1024, pages: 4096, images: 10 },
  archive: 'a.tar.zst',
  hasStats: false,
  recovered: false,
  note: '',
  hostId: 'stasis-a',
};

const REFUSAL =
  'Checkpoint ck-20261129101010-aaaaaaaa was received from another host: its container configuration (mounts, privileges) came from outside this host, so restoring it could give you root here. Restore it as root, or ask this host\'s administrator to allow it for you with the line "allow-received-restore stasisop" in /etc/stasis/helper.conf (owned by root, writable only by root).';

describe('RestoreDialog on any host', () => {
  it('defaults to the storing host, restores on the picked one, and shows the destination helper’s refusal', async () => {
    const { api, calls } = fakeApi({
      checkpoints: {
        list: async () => ({ checkpoints: [], errors: [] }),
        copy: async (input) => ({ ...checkpoint, hostId: input.toHostId }),
        restore: async () => {
          throw new ApiError('permission-denied', REFUSAL);
        },
      },
      containers: { list: async () => ({ containers: [], errors: [] }) },
    });
    const store = createRootStore(testDeps(api, manualTime().deps));
    store.setState({
      hosts: [
        { id: 'stasis-a', name: 'stasis-a', kind: 'ssh', status: 'ok' },
        { id: 'stasis-a-op', name: 'stasis-a-op', kind: 'ssh', status: 'ok' },
      ],
    });
    render(
      <StoreProvider store={store}>
        <RestoreDialog anyHost checkpoint={checkpoint} onClose={() => {}} />
      </StoreProvider>,
    );
    const pick = screen.getByLabelText<HTMLSelectElement>('Restore on host');
    expect(pick.value).toBe('stasis-a');
    fireEvent.change(pick, { target: { value: 'stasis-a-op' } });
    expect(screen.getByText(/streamed to stasis-a-op first/)).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Restore' })));
    await act(async () => {});
    expect(calls.filter((c) => c.channel.startsWith('checkpoints.') && c.channel !== 'checkpoints.list').map((c) => [c.channel, c.input])).toEqual([
      ['checkpoints.copy', expect.objectContaining({ fromHostId: 'stasis-a', toHostId: 'stasis-a-op' })],
      ['checkpoints.restore', expect.objectContaining({ hostId: 'stasis-a-op', checkpointId: checkpoint.id })],
    ]);
    expect(screen.getByRole('alert').textContent).toContain('allow-received-restore stasisop');
  });
});
