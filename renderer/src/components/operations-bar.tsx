import { formatBytes, useWorkspace } from '../store/workspace-store';

/** Running checkpoints and restores, with their live phase and a way to cancel. */
export function OperationsBar() {
  const operations = useWorkspace((s) => s.operations);
  const cancel = useWorkspace((s) => s.cancel);
  const list = Object.values(operations);
  if (list.length === 0) return null;
  return (
    <div className="operations" role="status" aria-label="Running operations">
      {list.map((op) => (
        <div key={op.id} className="operation">
          <span className="spinner" aria-hidden />
          <span>{op.label}</span>
          <span className="muted">
            {op.progress ? `${op.progress.phase} · ${formatBytes(op.progress.bytes)} · ${(op.progress.elapsedMs / 1000).toFixed(1)} s` : 'starting…'}
          </span>
          <button type="button" onClick={() => void cancel(op.id)}>
            Cancel
          </button>
        </div>
      ))}
    </div>
  );
}
