// @vitest-environment happy-dom
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ProcessTree, type TreeProcess } from './process-tree';

type Process = TreeProcess;

function proc(pid: number, ppid: number, comm: string, cmdline: string[] = [comm]): Process {
  return { pid, ppid, comm, threads: [pid], state: 'alive', cmdline, fdCount: 0 };
}

// init (1) → sh (2) → 3,000 sleeps; init → nginx (9000) → worker (9001, "nginx: worker process")
const processes: Process[] = [
  proc(1, 0, 'init'),
  proc(2, 1, 'sh'),
  ...Array.from({ length: 3000 }, (_, i) => proc(100 + i, 2, 'sleep', ['sleep', 'infinity'])),
  proc(9000, 1, 'nginx'),
  proc(9001, 9000, 'nginx', ['nginx: worker process']),
];

// happy-dom does no layout; the tree's pane gets a browser's size.
beforeAll(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('tree') ? 600 : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(() => 300);
});
afterAll(() => vi.restoreAllMocks());
afterEach(cleanup);

const items = (): HTMLElement[] => screen.getAllByRole('treeitem');

describe('ProcessTree', () => {
  it('renders only the rows in view of a 3,000-process tree', () => {
    render(<ProcessTree processes={processes} selected={1} onSelect={() => undefined} />);
    expect(items().length).toBeGreaterThan(10);
    expect(items().length).toBeLessThan(80);
    expect(items()[0]!.getAttribute('aria-expanded')).toBe('true');
  });

  it('collapses and expands a subtree', () => {
    render(<ProcessTree processes={processes} selected={1} onSelect={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Collapse 2' }));
    expect(items().map((i) => i.id)).toEqual(['proc-1', 'proc-2', 'proc-9000', 'proc-9001']);
    fireEvent.click(screen.getByRole('button', { name: 'Collapse all' }));
    expect(items().map((i) => i.id)).toEqual(['proc-1']);
    fireEvent.click(screen.getByRole('button', { name: 'Expand all' }));
    expect(items().length).toBeGreaterThan(10);
  });

  it('finds processes by name, pid and command line, showing their ancestors', () => {
    render(<ProcessTree processes={processes} selected={1} onSelect={() => undefined} />);
    const search = screen.getByRole('searchbox', { name: 'Search processes' });
    fireEvent.change(search, { target: { value: 'worker process' } });
    expect(items().map((i) => i.id)).toEqual(['proc-1', 'proc-9000', 'proc-9001']);
    expect(screen.getByText('1 matching')).toBeTruthy();
    fireEvent.change(search, { target: { value: '2999' } });
    expect(items().map((i) => i.id)).toEqual(['proc-1', 'proc-2', 'proc-2999']);
    fireEvent.change(search, { target: { value: 'no-such-thing' } });
    expect(screen.getByText('No process matches.')).toBeTruthy();
  });

  it('moves with the keyboard: down, end, left to the parent, left to collapse, right to expand', () => {
    const onSelect = vi.fn();
    const { rerender } = render(<ProcessTree processes={processes} selected={1} onSelect={onSelect} />);
    const tree = screen.getByRole('tree');
    fireEvent.keyDown(tree, { key: 'ArrowDown' });
    expect(onSelect).toHaveBeenLastCalledWith(2);
    fireEvent.keyDown(tree, { key: 'End' });
    expect(onSelect).toHaveBeenLastCalledWith(9001);
    rerender(<ProcessTree processes={processes} selected={9001} onSelect={onSelect} />);
    fireEvent.keyDown(tree, { key: 'ArrowLeft' });
    expect(onSelect).toHaveBeenLastCalledWith(9000);
    rerender(<ProcessTree processes={processes} selected={2} onSelect={onSelect} />);
    fireEvent.keyDown(tree, { key: 'ArrowLeft' });
    expect(screen.getByRole('treeitem', { name: /^▸?\s*2\b/ }).getAttribute('aria-expanded')).toBe('false');
    fireEvent.keyDown(tree, { key: 'ArrowRight' });
    expect(document.getElementById('proc-2')!.getAttribute('aria-expanded')).toBe('true');
  });
});
