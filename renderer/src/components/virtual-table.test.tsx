// @vitest-environment happy-dom
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { Column } from '../ui/data-table';
import { rowsAs, VirtualTable } from './virtual-table';

interface Row {
  fd: number;
  what: string;
}
const columns: Column<Row>[] = [
  { key: 'fd', label: 'fd', numeric: true, value: (r) => r.fd },
  { key: 'what', label: 'what', value: (r) => r.what },
];
const many: Row[] = Array.from({ length: 10_000 }, (_, i) => ({ fd: i, what: `file /tmp/f-${i}` }));

// happy-dom does no layout: every element would measure 0×0 and no row would be in view. The scrolling pane is given
// the size a browser would give it.
beforeAll(() => {
  const height = (el: HTMLElement): number => (el.classList.contains('virtual-scroll') ? Number.parseInt(el.style.maxHeight, 10) : 0);
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return height(this);
  });
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(() => 800);
});
afterAll(() => vi.restoreAllMocks());
afterEach(cleanup);

const bodyRows = (): HTMLElement[] => within(screen.getByRole('table', { name: 'Open files' })).getAllByRole('row').filter((r) => r.dataset['index'] !== undefined);

describe('VirtualTable', () => {
  it('puts only the rows in view into the DOM, with spacers keeping the full height', () => {
    render(<VirtualTable label="Open files" columns={columns} rows={many} rowKey={(r) => String(r.fd)} height={400} />);
    const rows = bodyRows();
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]!.textContent).toContain('/tmp/f-0');
    expect(screen.getByText('10000 rows')).toBeTruthy();
    const spacer = document.querySelector<HTMLElement>('tr.spacer-row');
    expect(Number.parseInt(spacer!.style.height, 10)).toBeGreaterThan(200_000);
  });

  it('scrolls a focused row into the DOM and marks it (a jump to a peer fd)', async () => {
    const { rerender } = render(<VirtualTable label="Open files" columns={columns} rows={many} rowKey={(r) => String(r.fd)} />);
    expect(document.querySelector('tr[data-key="9000"]')).toBeNull();
    rerender(<VirtualTable label="Open files" columns={columns} rows={many} rowKey={(r) => String(r.fd)} focusKey="9000" />);
    // happy-dom moves scrollTop but sends no scroll event, which a browser would.
    const pane = document.querySelector<HTMLElement>('.virtual-scroll')!;
    await vi.waitFor(() => {
      fireEvent.scroll(pane);
      expect(document.querySelector<HTMLElement>('tr[data-key="9000"]')?.className).toContain('focused');
    });
    expect(pane.scrollTop).toBeGreaterThan(200_000);
    expect(bodyRows().length).toBeLessThan(60);
  });

  it('sorts every row, not only those in view', () => {
    render(<VirtualTable label="Open files" columns={columns} rows={many} rowKey={(r) => String(r.fd)} />);
    fireEvent.click(screen.getByRole('button', { name: /^fd/ }));
    fireEvent.click(screen.getByRole('button', { name: /^fd/ }));
    expect(bodyRows()[0]!.textContent).toContain('/tmp/f-9999');
  });

  it('copies all rows as text and JSON', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<VirtualTable label="Open files" columns={columns} rows={many.slice(0, 3)} rowKey={(r) => String(r.fd)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy Open files as text' }));
    fireEvent.click(screen.getByRole('button', { name: 'Copy Open files as JSON' }));
    await vi.waitFor(() => expect(writeText).toHaveBeenCalledTimes(2));
    expect(writeText.mock.calls[0]).toEqual(['fd\twhat\n0\tfile /tmp/f-0\n1\tfile /tmp/f-1\n2\tfile /tmp/f-2']);
    expect(JSON.parse((writeText.mock.calls[1] as unknown as [string])[0])).toEqual([
      { fd: 0, what: 'file /tmp/f-0' },
      { fd: 1, what: 'file /tmp/f-1' },
      { fd: 2, what: 'file /tmp/f-2' },
    ]);
    expect(rowsAs(false, columns, many).split('\n')).toHaveLength(10_001);
  });

  it('shows the empty state when a filter leaves nothing', () => {
    render(<VirtualTable label="Open files" columns={columns} rows={[]} rowKey={(r) => String(r.fd)} empty={<p>No fds match.</p>} />);
    expect(screen.getByText('No fds match.')).toBeTruthy();
  });

  it('renders only the rows that come into view on a scroll step, not those still in view', async () => {
    const rendered: number[] = [];
    const counting: Column<Row>[] = [columns[0]!, { ...columns[1]!, render: (r) => (rendered.push(r.fd), r.what) }];
    render(<VirtualTable label="Open files" columns={counting} rows={many} rowKey={(r) => String(r.fd)} height={400} />);
    const before = bodyRows().length;
    expect(rendered.length).toBe(before);
    rendered.length = 0;
    const pane = document.querySelector<HTMLElement>('.virtual-scroll')!;
    pane.scrollTop = 10 * 26; // ten rows down
    fireEvent.scroll(pane);
    await vi.waitFor(() => expect(bodyRows().at(-1)!.dataset['index']).toBe(String(before + 9)));
    // The ten rows that came into view, and none of those that stayed.
    expect([...new Set(rendered)].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => before + i));
  });

  it("keeps the columns' widths from the first layout, with a fixed table layout", () => {
    const widths: Record<string, number> = { fd: 60, what: 400 };
    const spy = vi.spyOn(HTMLElement.prototype, 'offsetWidth', 'get').mockImplementation(function (this: HTMLElement) {
      return this.tagName === 'TH' ? (widths[this.textContent ?? ''] ?? 0) : 0;
    });
    try {
      render(<VirtualTable label="Open files" columns={columns} rows={many} rowKey={(r) => String(r.fd)} />);
      const table = screen.getByRole('table', { name: 'Open files' });
      expect(table.style.tableLayout).toBe('fixed');
      expect(Array.from(table.querySelectorAll('col')).map((c) => c.style.width)).toEqual(['60px', '400px']);
    } finally {
      spy.mockRestore();
    }
  });
});
