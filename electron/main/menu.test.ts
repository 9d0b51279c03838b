// The Electron binary cannot run on this machine (it cannot be downloaded here): the test reads the menu's
// template (what main.ts hands to Menu.buildFromTemplate) and clicks its item with a recording openExternal.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { CRIU_DOCS_URL, menuTemplate } from './menu';

function items(t: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return t.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])]);
}

describe('application menu', () => {
  it('has File/Edit/View/Help with only built-in roles and one link, which opens https externally', async () => {
    const opened: string[] = [];
    const t = menuTemplate(async (u) => void opened.push(u));
    expect(t.map((i) => i.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    const all = items(t);
    expect(all.filter((i) => i.role).map((i) => i.role)).toEqual(['quit', 'copy', 'selectAll', 'reload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut']);
    const clickable = all.filter((i) => i.click);
    expect(clickable.map((i) => i.label)).toEqual(['CRIU documentation']);
    (clickable[0]!.click as () => void)();
    expect(opened).toEqual([CRIU_DOCS_URL]);
    expect(CRIU_DOCS_URL).toMatch(/^https:\/\//);
  });
});
