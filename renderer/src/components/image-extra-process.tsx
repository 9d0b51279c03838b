import type { InspectReportData } from '../../../shared/domain/inspect-report';
import { escapeControl } from '../../../shared/text/escape';

/** What it shows of a process: the full report's processes and the summary's (report-parts.ts) both have it. */
type Process = Pick<InspectReportData['processes'][number], 'seccompFilters' | 'timers' | 'pendingSignals' | 'rlimits'>;

// Linux's signal numbers (x86-64); real-time signals are shown as SIGRTMIN+n.
const SIGNALS = ['', 'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM', 'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS'];

export function signalName(n: number): string {
  if (n > 0 && n < SIGNALS.length) return `SIG${SIGNALS[n]}`;
  if (n >= 34 && n <= 64) return `SIGRTMIN+${n - 34}`;
  return `signal ${n}`;
}

/**
 * The task state beyond files and memory that a checkpoint carries for one process: seccomp filters, timers,
 * signals not yet delivered, resource limits. Restoring brings all of it back; the browser shows what will come back.
 */
export function ProcessExtras({ p }: { p: Process }) {
  const timers = p.timers;
  return (
    <>
      {p.seccompFilters && p.seccompFilters.length > 0 && (
        <>
          <h3>seccomp filters ({p.seccompFilters.length})</h3>
          <p className="muted">
            {p.seccompFilters.map((f) => `#${f.index}: ${f.instructions} BPF instructions${f.flags ? ` (flags ${f.flags})` : ''}`).join(' · ')}
          </p>
        </>
      )}
      {timers && (
        <>
          <h3>Timers ({timers.itimers.length + timers.posix.length})</h3>
          <table className="table compact" aria-label="Timers">
            <thead>
              <tr>
                <th>timer</th>
                <th>next in (s)</th>
                <th>interval (s)</th>
                <th>notifies</th>
              </tr>
            </thead>
            <tbody>
              {timers.itimers.map((t) => (
                <tr key={`i${t.which}`}>
                  <td>itimer {t.which}</td>
                  <td className="mono">{escapeControl(t.value)}</td>
                  <td className="mono">{escapeControl(t.interval)}</td>
                  <td>{signalName(t.which === 'real' ? 14 : t.which === 'virtual' ? 26 : 27)}</td>
                </tr>
              ))}
              {timers.posix.map((t) => (
                <tr key={`p${t.id}`}>
                  <td>
                    POSIX timer {t.id} ({escapeControl(t.clock)})
                  </td>
                  <td className="mono">{escapeControl(t.value)}</td>
                  <td className="mono">{escapeControl(t.interval)}</td>
                  <td>
                    {t.notify === 'none' ? 'nothing' : signalName(t.signal)}
                    {t.thread !== undefined ? ` to thread ${t.thread}` : ''}
                    {t.overrun ? `, ${t.overrun} overruns` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {p.pendingSignals && p.pendingSignals.length > 0 && (
        <>
          <h3>Pending signals ({p.pendingSignals.length})</h3>
          <p className="mono" aria-label="Pending signals">
            {p.pendingSignals.map((s) => (s.thread === undefined ? signalName(s.signal) : `${signalName(s.signal)} → thread ${s.thread}`)).join(', ')}
          </p>
        </>
      )}
      {p.rlimits && p.rlimits.length > 0 && (
        <details>
          <summary>Resource limits ({p.rlimits.length})</summary>
          <table className="table compact" aria-label="Resource limits">
            <thead>
              <tr>
                <th>limit</th>
                <th>soft</th>
                <th>hard</th>
              </tr>
            </thead>
            <tbody>
              {p.rlimits.map((l) => (
                <tr key={l.resource}>
                  <td className="mono">{escapeControl(String(l.resource))}</td>
                  <td className="mono">{l.soft}</td>
                  <td className="mono">{l.hard}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </>
  );
}
