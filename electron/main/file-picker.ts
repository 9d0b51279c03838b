/** What of Electron's dialog the picker uses; main.ts passes the real one. */
export interface OpenDialogLike<W> {
  showOpenDialog(
    window: W,
    options: { title: string; properties: 'openFile'[]; filters: { name: string; extensions: string[] }[] },
  ): Promise<{ canceled: boolean; filePaths: string[] }>;
}

/**
 * The native picker behind the contract's `app.pickFile`: one checkpoint archive, its absolute path, or null when
 * the user cancels. Modal to the window, so it cannot be left open behind it. No window (closed), no picker.
 */
export function filePicker<W>(dialog: OpenDialogLike<W>, window: () => W | undefined): () => Promise<string | null> {
  return async () => {
    const win = window();
    if (!win) return null;
    const result = await dialog.showOpenDialog(win, {
      title: 'Open a checkpoint',
      properties: ['openFile'],
      filters: [
        { name: 'Checkpoint archives', extensions: ['tar', 'gz', 'tgz', 'zst'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
}
