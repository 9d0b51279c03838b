// The Electron binary cannot run on this machine (it cannot be downloaded here), so `dialog` is a recording
// stand-in: the test checks what the picker asks of it and what it makes of each answer.
import { describe, expect, it } from 'vitest';
import { createAppServices } from '../services/app-services';
import { filePicker, type OpenDialogLike } from './file-picker';

function standIn(answer: { canceled: boolean; filePaths: string[] }) {
  const calls: { window: string; options: Parameters<OpenDialogLike<string>['showOpenDialog']>[1] }[] = [];
  const dialog: OpenDialogLike<string> = { showOpenDialog: async (window, options) => (calls.push({ window, options }), answer) };
  return { dialog, calls };
}

describe('file picker (app.pickFile in Electron)', () => {
  it('asks for one file, modal to the window, and answers its path', async () => {
    const s = standIn({ canceled: false, filePaths: ['/home/u/web.tar.zst'] });
    expect(await filePicker(s.dialog, () => 'the window')()).toBe('/home/u/web.tar.zst');
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]!.window).toBe('the window');
    expect(s.calls[0]!.options.properties).toEqual(['openFile']);
    expect(s.calls[0]!.options.filters[0]!.extensions).toContain('zst');
  });

  it('answers null when cancelled, when nothing was chosen, or when there is no window', async () => {
    expect(await filePicker(standIn({ canceled: true, filePaths: ['/x'] }).dialog, () => 'w')()).toBeNull();
    expect(await filePicker(standIn({ canceled: false, filePaths: [] }).dialog, () => 'w')()).toBeNull();
    const s = standIn({ canceled: false, filePaths: ['/x'] });
    expect(await filePicker(s.dialog, () => undefined)()).toBeNull();
    expect(s.calls).toHaveLength(0);
  });
});

describe('app.pickFile through the composition root', () => {
  it('answers the injected picker in Electron, and not-supported in browser mode (the renderer offers upload)', async () => {
    const ctx = { caller: 'test' };
    const s = standIn({ canceled: false, filePaths: ['/home/u/web.tar.zst'] });
    const electron = createAppServices({ mode: 'electron', hostsFile: '/nonexistent/hosts.json', sshConfigPath: '/nonexistent/ssh_config', pickFile: filePicker(s.dialog, () => 'w') });
    expect(await electron.handlers.app.pickFile({}, ctx)).toEqual({ path: '/home/u/web.tar.zst' });
    const browser = createAppServices({ mode: 'browser', hostsFile: '/nonexistent/hosts.json', sshConfigPath: '/nonexistent/ssh_config' });
    await expect(browser.handlers.app.pickFile({}, ctx)).rejects.toMatchObject({ code: 'not-supported' });
    await electron.close();
    await browser.close();
  });
});
