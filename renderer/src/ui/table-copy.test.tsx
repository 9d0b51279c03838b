// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { TableCopy } from './table-copy';

afterEach(cleanup);

describe('TableCopy', () => {
  it('copies a hand-made table of its section as text and JSON, without the actions column', async () => {
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(
      <section>
        <TableCopy label="Checkpoints" />
        <table aria-label="Checkpoints">
          <thead>
            <tr>
              <th>Taken</th>
              <th>Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>
                today <span>ck-1</span>
              </td>
              <td>3 KiB</td>
              <td>
                <button type="button">Delete…</button>
              </td>
            </tr>
          </tbody>
        </table>
      </section>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Copy Checkpoints as text' }));
    fireEvent.click(screen.getByRole('button', { name: 'Copy Checkpoints as JSON' }));
    await Promise.resolve();
    expect(writeText.mock.calls[0]![0]).toBe('Taken\tSize\ntoday ck-1\t3 KiB');
    expect(JSON.parse(writeText.mock.calls[1]![0])).toEqual([{ Taken: 'today ck-1', Size: '3 KiB' }]);
  });
});
