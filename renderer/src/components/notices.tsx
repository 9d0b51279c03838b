import { escapeControl, escapeControlKeepLines } from '../../../shared/text/escape';
import { useStasis } from '../store';

/**
 * Notices for the page shown: on a host's page, that host's and the general ones; elsewhere the general ones and
 * those of operations, each labelled with its host. Success notices fade by themselves (notices-slice).
 */
export function Notices({ hostId }: { hostId: string | undefined }) {
  const notices = useStasis((s) => s.notices);
  const hosts = useStasis((s) => s.hosts);
  const dismiss = useStasis((s) => s.dismissNotice);
  const shown = notices.filter((n) => n.hostId === undefined || n.hostId === hostId || n.jobId !== undefined);
  if (!shown.length) return null;
  return (
    <div className="notices">
      {shown.map((n) => (
        <div key={n.id} className={`banner ${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'}>
          <span>
            {n.hostId && n.hostId !== hostId && <b className="notice-host">{escapeControl(hosts.find((h) => h.id === n.hostId)?.name ?? n.hostId)}: </b>}
            {escapeControlKeepLines(n.text)}
            {n.detail && (
              <details className="detail-text">
                <summary>Details</summary>
                <pre className="mono">{escapeControlKeepLines(n.detail)}</pre>
              </details>
            )}
          </span>
          <button type="button" className="link" onClick={() => dismiss(n.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
