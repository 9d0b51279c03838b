// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { DataTable, type Column } from './data-table';

interface Row {
  name: string;
  size: number;
}
const columns: Column<Row>[] = [
  { key: 'name', label: 'Name', value: (r) => r.name },
  { key: 'size', label: 'Size', numeric: true, value: (r) => r.size, text: (r) => `${r.size} B` },
];
const rows: Row[] = [
  { name: 'web-10', size: 3 },
  { name: 'web-9', size: 30 },
  { name: 'db', size: 7 },
];

afterEach(cleanup);

const names = (): string[] => within(screen.getByRole('table', { name: 'Things' })).getAllByRole('row').slice(1).map((r) => r.firstElementChild!.textContent!);

describe('DataTable', () => {
  it('sorts by a header (names naturally, numbers as numbers) and back', () => {
    render(<DataTable label="Things" columns={columns} rows={rows} rowKey={(r) => r.name} initialSort={{ key: 'name', dir: 'asc' }} />);
    expect(names()).toEqual(['db', 'web-9', 'web-10']);
    fireEvent.click(screen.getByRole('button', { name: /Size/ }));
    expect(names()).toEqual(['web-10', 'db', 'web-9']);
    fireEvent.click(screen.getByRole('button', { name: /Size/ }));
    expect(names()).toEqual(['web-9', 'db', 'web-10']);
    expect(screen.getByRole('columnheader', { name: /Size/ }).getAttribute('aria-sort')).toBe('descending');
  });

  it('moves between rows with the arrow keys and opens one with Enter', () => {
    const onOpen = vi.fn();
    render(<DataTable label="Things" columns={columns} rows={rows} rowKey={(r) => r.name} onOpen={onOpen} />);
    const [first, second] = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    first!.focus();
    fireEvent.keyDown(first!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(second);
    fireEvent.keyDown(second!, { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith(rows[1]);
    fireEvent.keyDown(second!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(first);
  });

  it('copies what it shows as text and as JSON', async () => {
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<DataTable label="Things" columns={columns} rows={rows} rowKey={(r) => r.name} initialSort={{ key: 'size', dir: 'asc' }} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy Things as text' }));
    fireEvent.click(screen.getByRole('button', { name: 'Copy Things as JSON' }));
    await Promise.resolve();
    expect(writeText.mock.calls[0]).toEqual(['Name\tSize\nweb-10\t3 B\ndb\t7 B\nweb-9\t30 B']);
    expect(JSON.parse(writeText.mock.calls[1]![0])).toEqual([
      { name: 'web-10', size: 3 },
      { name: 'db', size: 7 },
      { name: 'web-9', size: 30 },
    ]);
  });

  it('shows its empty state with the next step instead of an empty table', () => {
    render(<DataTable label="Things" columns={columns} rows={[]} rowKey={(r) => r.name} empty={<p>No things yet — add one.</p>} />);
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByText('No things yet — add one.')).toBeTruthy();
  });
});
