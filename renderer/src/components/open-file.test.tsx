// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { createRootStore, StoreProvider } from '../store';
import { fakeApi, testDeps } from '../testing/fake-api';
import { OpenFileControls } from './open-file';

afterEach(cleanup);

describe('OpenFileControls', () => {
  it('shows how far a browser-mode upload has gone, then lets go of it', async () => {
    let progress: ((sent: number) => void) | undefined;
    let finish: (path: string) => void = () => {};
    const store = createRootStore(
      testDeps(fakeApi({}).api, { files: { upload: (_f, onProgress) => ((progress = onProgress), new Promise<string>((r) => (finish = r))) } }),
    );
    render(
      <StoreProvider store={store}>
        <OpenFileControls />
      </StoreProvider>,
    );
    const input = screen.getByLabelText('Upload a checkpoint');
    const file = new File([new Uint8Array(4 * 1024 * 1024)], 'big.tar.zst');
    fireEvent.change(input, { target: { files: [file] } });
    const bar = await screen.findByRole('progressbar', { name: 'Uploading big.tar.zst' });
    expect(bar.getAttribute('value')).toBe('0');
    act(() => progress?.(1024 * 1024));
    expect(screen.getByRole('status').textContent).toContain('25% (1.0 MiB of 4.0 MiB)');
    expect(bar.getAttribute('value')).toBe(String(1024 * 1024));
    act(() => progress?.(4 * 1024 * 1024));
    expect(screen.getByRole('status').textContent).toContain('100%');
    expect(screen.getByRole('status').textContent).toContain('the server is storing it');
    await act(async () => finish('/tmp/stasis-upload-x/big.tar.zst'));
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});
