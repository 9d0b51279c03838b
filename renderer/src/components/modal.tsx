import { useEffect, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

/**
 * A small modal: Escape or the backdrop closes it; focus starts inside. Drawn on document.body: opened from a table
 * row, it would otherwise live inside that row's sticky actions cell, whose stacking context lets the rows below
 * paint over the dialog and take its clicks.
 */
export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return createPortal(
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={title}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>,
    document.body,
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
