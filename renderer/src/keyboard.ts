import { useEffect } from 'react';

/** Typing in a field keeps its keys: shortcuts only act outside inputs. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** The app's shortcuts, listed in the shortcut dialog ("?"). */
export const SHORTCUTS: Array<[string, string]> = [
  ['/ or Ctrl+F', 'Search the list on this page'],
  ['↑ ↓', 'Move between rows of a table or the process tree'],
  ['Enter', 'Open the selected row'],
  ['Esc', 'Close a dialog'],
  ['Alt+← / Alt+→', 'Back / forward'],
  ['g then c', 'All containers'],
  ['g then j', 'Jobs'],
  ['g then h', 'This computer'],
  ['?', 'This list'],
];

/**
 * `/` and Ctrl+F focus the page's search field (the element marked `data-search`); `?` opens the shortcut list;
 * "g c" / "g j" / "g h" go to containers, jobs, this computer.
 */
export function useGlobalShortcuts(openShortcuts: () => void): void {
  useEffect(() => {
    let pendingG = false;
    const onKey = (e: KeyboardEvent): void => {
      const search = document.querySelector<HTMLInputElement>('[data-search]');
      if ((e.key === 'f' && (e.ctrlKey || e.metaKey)) || (e.key === '/' && !isTyping(e.target))) {
        if (search) {
          e.preventDefault();
          search.focus();
          search.select();
        }
        return;
      }
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '?') {
        e.preventDefault();
        openShortcuts();
      } else if (pendingG) {
        pendingG = false;
        const to = { c: '#/containers', j: '#/jobs', h: '#/hosts/local' }[e.key];
        if (to) location.hash = to;
      } else if (e.key === 'g') {
        pendingG = true;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openShortcuts]);
}
