// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useGlobalShortcuts } from './keyboard';

afterEach(cleanup);

function Page({ onShortcuts }: { onShortcuts: () => void }) {
  useGlobalShortcuts(onShortcuts);
  return (
    <>
      <input aria-label="Other field" />
      <input aria-label="Search" data-search />
    </>
  );
}

describe('global shortcuts', () => {
  it('"/" and Ctrl+F focus the page’s search; "?" opens the list; typing in a field keeps its keys; "g j" goes to Jobs', () => {
    const open = vi.fn();
    render(<Page onShortcuts={open} />);
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(screen.getByLabelText('Search'));
    screen.getByLabelText('Other field').focus();
    fireEvent.keyDown(screen.getByLabelText('Other field'), { key: '?' });
    expect(open).not.toHaveBeenCalled();
    fireEvent.keyDown(screen.getByLabelText('Other field'), { key: 'f', ctrlKey: true });
    expect(document.activeElement).toBe(screen.getByLabelText('Search'));
    (document.activeElement as HTMLElement).blur();
    fireEvent.keyDown(document.body, { key: '?' });
    expect(open).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(document.body, { key: 'g' });
    fireEvent.keyDown(document.body, { key: 'j' });
    expect(location.hash).toBe('#/jobs');
  });
});
