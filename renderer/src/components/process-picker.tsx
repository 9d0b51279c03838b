import { useEffect, useMemo, useState } from 'react';
import { useStasis } from '../store';

const SHOWN = 200;

/** Finds a process on the host by name, command line, user or PID, and picks its PID for a process-tree checkpoint. */
export function ProcessPicker({ hostId, pid, onPick }: { hostId: string; pid: string; onPick: (pid: string) => void }) {
  const state = useStasis((s) => s.hostProcesses[hostId]);
  const load = useStasis((s) => s.loadHostProcesses);
  const [filter, setFilter] = useState('');
  useEffect(() => void load(hostId), [hostId, load]);
  const matches = useMemo(() => {
    const f = filter.trim().toLowerCase();
    // Init and the ones with no command line (kernel helpers) are no use to checkpoint.
    const list = (state?.list ?? []).filter((p) => p.pid > 1 && p.args);
    return (f ? list.filter((p) => `${p.pid} ${p.user} ${p.name} ${p.args}`.toLowerCase().includes(f)) : list).slice(0, SHOWN);
  }, [state?.list, filter]);
  return (
    <div className="process-picker">
      <label>
        Find a process
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="name, command line, user or PID" />
      </label>
      {state?.problem ? (
        <p className="field-error">{state.problem.message}</p>
      ) : (
        <select aria-label="Processes on this host" size={8} value={pid} onChange={(e) => onPick(e.target.value)}>
          {matches.map((p) => (
            <option key={p.pid} value={String(p.pid)}>
              {p.pid} · {p.user} · {p.args.length > 100 ? `${p.args.slice(0, 99)}…` : p.args}
            </option>
          ))}
        </select>
      )}
      <span className="hint">
        {state?.loading && !state.list ? 'Listing the processes…' : `${matches.length === SHOWN ? `first ${SHOWN}` : matches.length} shown; picking one fills in its PID`}
      </span>
    </div>
  );
}
