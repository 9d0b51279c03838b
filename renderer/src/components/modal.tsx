import { useEffect, type ReactNode } from 'react';

/** A small modal: Escape or the backdrop closes it; focus starts inside. */
export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={title}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** A dialog's buttons: cancel on the left, the submitting action on the right. */
export function ModalActions({ onCancel, cancelLabel = 'Cancel', submitLabel, disabled = false }: { onCancel: () => void; cancelLabel?: string; submitLabel: string; disabled?: boolean }) {
  return (
    <div className="actions">
      <button type="button" onClick={onCancel}>
        {cancelLabel}
      </button>
      <button type="submit" className="primary" disabled={disabled}>
        {submitLabel}
      </button>
    </div>
  );
}
