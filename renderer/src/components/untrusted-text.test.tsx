// @vitest-environment happy-dom
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { DataTable, type Column } from '../ui/data-table';
import { ProcessTree, type TreeProcess } from './process-tree';
import { VirtualTable } from './virtual-table';

// A name as a hostile image or host could carry it: an escape sequence, a right-to-left override, a NUL.
const EVIL = 'evil\x1b[31m\u202egpj.exe\0';
const SHOWN = 'evil\\x1b[31m\\u{202e}gpj.exe\\0';

const proc = (pid: number, ppid: number, comm: string, cmdline: string[]): TreeProcess => ({ pid, ppid, comm, threads: [pid], state: 'alive', cmdline, fdCount: 0 });

type Row = { name: string; size: number };
const columns: Column<Row>[] = [
  { key: 'name', label: 'Name', value: (r) => r.name },
  { key: 'size', label: 'Size', value: (r) => r.size, numeric: true },
];
const rows: Row[] = [{ name: EVIL, size: 7 }];

// happy-dom does no layout; the panes get a browser's size.
beforeAll(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(() => 600);
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(() => 300);
});
afterAll(() => vi.restoreAllMocks());
afterEach(cleanup);

function clipboard(): ReturnType<typeof vi.fn> {
  const writeText = vi.fn(() => Promise.resolve());
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  return writeText;
}

describe('untrusted text in the renderer', () => {
  it('shows a process name and command line with control characters escaped', () => {
    render(<ProcessTree processes={[proc(1, 0, EVIL, [EVIL, '--x'])]} selected={1} onSelect={() => undefined} />);
    const row = screen.getByRole('treeitem');
    expect(row.textContent).toContain(SHOWN);
    for (const raw of ['\x1b', '\u202e', '\0']) expect(row.textContent).not.toContain(raw);
    expect(row.getAttribute('title')).toBe(`${SHOWN} --x`);
  });

  it('shows table cells escaped, copies text escaped and JSON exact', () => {
    const writeText = clipboard();
    render(<DataTable label="Things" columns={columns} rows={rows} rowKey={(r) => r.name} />);
    const cell = within(screen.getByRole('table', { name: 'Things' })).getAllByRole('cell')[0]!;
    expect(cell.textContent).toBe(SHOWN);
    fireEvent.click(screen.getByRole('button', { name: 'Copy Things as text' }));
    expect(writeText).toHaveBeenLastCalledWith(`Name\tSize\n${SHOWN}\t7`);
    fireEvent.click(screen.getByRole('button', { name: 'Copy Things as JSON' }));
    expect(JSON.parse(writeText.mock.lastCall![0] as string)).toEqual([{ name: EVIL, size: 7 }]);
  });

  it('does the same in the virtualized table', () => {
    const writeText = clipboard();
    render(<VirtualTable label="Fds" columns={columns} rows={rows} rowKey={(r) => r.name} />);
    const cell = within(screen.getByRole('table', { name: 'Fds' })).getAllByRole('cell')[0]!;
    expect(cell.textContent).toBe(SHOWN);
    fireEvent.click(screen.getByRole('button', { name: 'Copy Fds as text' }));
    expect(writeText).toHaveBeenLastCalledWith(`Name\tSize\n${SHOWN}\t7`);
    fireEvent.click(screen.getByRole('button', { name: 'Copy Fds as JSON' }));
    expect(JSON.parse(writeText.mock.lastCall![0] as string)).toEqual([{ name: EVIL, size: 7 }]);
  });
});
