import { useEffect } from 'react';
import { formatBytes } from '../format';
import { links, navigate } from '../router';
import { useStasis } from '../store';

/**
 * Opening a checkpoint the user has as a file, on the image browser's empty state: "Upload a checkpoint…" in browser
 * mode (streamed to the server, which may be another machine), "Choose a file…" in Electron (the native picker).
 */
export function OpenFileControls() {
  const opening = useStasis((s) => s.fileOpening);
  const upload = useStasis((s) => s.upload);
  const uploadImage = useStasis((s) => s.uploadImage);
  const pickImageFile = useStasis((s) => s.pickImageFile);
  const open = (path: string | undefined): void => {
    if (path) navigate(links.imageFile(path));
  };
  if (opening === 'none') return null;
  return (
    <div className="open-file">
      {opening === 'upload' ? (
        <label className="button-like">
          Upload a checkpoint…
          <input
            type="file"
            className="sr-only"
            aria-label="Upload a checkpoint"
            disabled={upload?.busy}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (file) void uploadImage(file).then(open);
            }}
          />
        </label>
      ) : (
        <button type="button" onClick={() => void pickImageFile().then(open)}>
          Choose a file…
        </button>
      )}{' '}
      <span className="muted">{opening === 'upload' ? 'a .tar, .tar.gz or .tar.zst archive from this computer' : 'or drop a checkpoint archive onto the window'}</span>
      {upload?.busy && <UploadProgress name={upload.name} size={upload.size} sent={upload.sent ?? 0} />}
      {upload?.error && (
        <p className="field-error" role="alert">
          {upload.error}
        </p>
      )}
    </div>
  );
}

/** How far an upload has gone: a bar, the share and the bytes. */
export function UploadProgress({ name, size, sent }: { name: string; size: number; sent: number }) {
  const share = size > 0 ? Math.min(1, sent / size) : 0;
  return (
    <div className="upload-progress" role="status">
      <progress max={size || 1} value={Math.min(sent, size)} aria-label={`Uploading ${name}`} />
      <span className="muted">
        Uploading {name}: {Math.round(share * 100)}% ({formatBytes(sent)} of {formatBytes(size)})
        {sent >= size && size > 0 ? ', the server is storing it…' : '…'}
      </span>
    </div>
  );
}

/** A checkpoint file dropped anywhere on the window opens in the image browser (its path in Electron, uploaded in browser mode). */
export function WindowFileDrop() {
  const opening = useStasis((s) => s.fileOpening);
  const droppedImageFile = useStasis((s) => s.droppedImageFile);
  useEffect(() => {
    if (opening === 'none') return undefined;
    const hasFiles = (e: DragEvent): boolean => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
    const over = (e: DragEvent): void => {
      // Without this the browser would open the file itself, replacing the app.
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      const file = e.dataTransfer?.files[0];
      if (file) void droppedImageFile(file).then((path) => path && navigate(links.imageFile(path)));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [opening, droppedImageFile]);
  return null;
}
