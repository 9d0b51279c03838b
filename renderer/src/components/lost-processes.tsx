import { describeProcess, leftOutText, lostSummary } from '../../../shared/domain/processes';
import { escapeControl } from '../../../shared/text/escape';
import type { ProcessCheckState } from '../store/container-actions-slice';

/**
 * In the checkpoint dialog: which processes a checkpoint would leave out and why, and the user's choice to go on.
 * Nothing is shown while the answer is fine; a failed check does not block (the main side checks again).
 */
export function LostProcesses({ state, allow, onAllow }: { state: ProcessCheckState | undefined; allow: boolean; onAllow: (v: boolean) => void }) {
  if (!state || state.loading) return <p className="muted">Checking the container’s processes…</p>;
  if (state.problem) return <p className="muted">Could not list the container’s processes: {escapeControl(state.problem.message)}</p>;
  const check = state.check;
  if (!check || !check.lost.length) return null;
  return (
    <div className="banner error lost-processes" role="alert" aria-label="Processes the checkpoint leaves out">
      <p>
        <b>{escapeControl(lostSummary(check.lost).replace(/:.*$/s, '.'))}</b> {escapeControl(check.reason)}
      </p>
      <ul className="mono">
        {check.lost.map((p) => (
          <li key={p.pid}>{escapeControl(describeProcess(p))}</li>
        ))}
      </ul>
      <label className="check">
        <input type="checkbox" checked={allow} onChange={(e) => onAllow(e.target.checked)} />
        <span>Checkpoint anyway, without these processes</span>
      </label>
    </div>
  );
}

/** A stored checkpoint's record of what it left out, for the timeline, the checkpoint lists and the image browser. */
export function LeftOutNote({ record }: { record: string | undefined }) {
  const text = leftOutText(record);
  if (!text) return null;
  return (
    <span className="left-out" title="Processes started with exec were not in the tree CRIU checkpointed; a restore does not bring them back.">
      {escapeControl(text)}
    </span>
  );
}
