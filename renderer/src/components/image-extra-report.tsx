import type { ReportSummary } from '../../../shared/domain/report-parts';
import { escapeControl } from '../../../shared/text/escape';
import type { Holder, JumpTo } from './image-tables';

/** What the tab lists, from the report's summary (shared/domain/report-parts.ts). */
type Report = Pick<ReportSummary, 'unlinkedFiles' | 'fileLocks' | 'ipc' | 'inFlightSockets'>;

const UNLINKED_KIND: Record<Report['unlinkedFiles'][number]['kind'], string> = {
  file: 'file',
  fifo: 'fifo',
  directory: 'directory (a working directory)',
  'unix-socket': 'unix socket path',
};

/** How many things the extras tab lists: its label's count. */
export function extrasCount(r: Report): number {
  return r.unlinkedFiles.length + r.fileLocks.length + r.ipc.length + r.inFlightSockets.length;
}

function Holders({ holders, onJump }: { holders: Holder[]; onJump: JumpTo }) {
  return (
    <>
      {holders.map((h) => (
        <button key={`${h.pid}:${h.fd}`} type="button" className="link-button mono" onClick={() => onJump(h)}>
          pid {h.pid} fd {h.fd}
        </button>
      ))}
    </>
  );
}

/**
 * What a restore must recreate beyond processes and open files: deleted files, fifos, directories and socket paths the
 * checkpoint still holds (CRIU saved them as ghosts or link-remaps), files in flight inside unix sockets, locks and
 * leases, and the SysV IPC objects of an IPC namespace. Migration's preflight looks at the same lists.
 */
export function ReportExtras({ r, onJump }: { r: Report; onJump: JumpTo }) {
  const inFlight = r.inFlightSockets;
  return (
    <div aria-label="Deleted files, locks and IPC">
      <h3>Deleted but held ({r.unlinkedFiles.length})</h3>
      {r.unlinkedFiles.length ? (
        <table className="table compact" aria-label="Deleted but held">
          <thead>
            <tr>
              <th>path</th>
              <th>kind</th>
              <th>held by</th>
            </tr>
          </thead>
          <tbody>
            {r.unlinkedFiles.map((u) => (
              <tr key={`${u.kind} ${u.path}`}>
                <td className="mono">{escapeControl(u.path)} (deleted)</td>
                <td>{UNLINKED_KIND[u.kind]}</td>
                <td>
                  <Holders holders={u.holders} onJump={onJump} />
                  {u.mappedBy?.map((pid) => <span key={`m${pid}`}> mapped by pid {pid}</span>)}
                  {u.cwdOf?.map((pid) => <span key={`c${pid}`}> cwd of pid {pid}</span>)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">Nothing deleted is held open.</p>
      )}

      {inFlight.length > 0 && (
        <>
          <h3>Files in flight ({inFlight.reduce((s, x) => s + (x.inFlight?.length ?? 0), 0)})</h3>
          <table className="table compact" aria-label="Files in flight">
            <thead>
              <tr>
                <th>queued in</th>
                <th>file</th>
              </tr>
            </thead>
            <tbody>
              {inFlight.flatMap((s) =>
                (s.inFlight ?? []).map((f, i) => (
                  <tr key={`${s.id}:${i}`}>
                    <td>
                      unix {s.type} socket {escapeControl(s.local ?? '')} <Holders holders={s.holders} onJump={onJump} />
                    </td>
                    <td className="mono">{escapeControl(f.description)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}

      <h3>File locks and leases ({r.fileLocks.length})</h3>
      {r.fileLocks.length ? (
        <table className="table compact" aria-label="File locks and leases">
          <thead>
            <tr>
              <th>held by</th>
              <th>kind</th>
              <th>type</th>
              <th>range</th>
            </tr>
          </thead>
          <tbody>
            {r.fileLocks.map((l, i) => (
              <tr key={i}>
                <td>
                  <Holders holders={[{ pid: l.pid, fd: l.fd }]} onJump={onJump} />
                </td>
                <td>{l.kind}</td>
                <td>{l.type}</td>
                <td className="mono">{l.length ? `${l.start}–${l.start + l.length - 1}` : `${l.start}–end`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">None recorded (CRIU records them when the checkpoint is taken with file locks allowed).</p>
      )}

      <h3>SysV IPC ({r.ipc.length})</h3>
      {r.ipc.length ? (
        <table className="table compact" aria-label="SysV IPC">
          <thead>
            <tr>
              <th>namespace</th>
              <th>kind</th>
              <th>id</th>
              <th>key</th>
              <th>owner</th>
              <th>mode</th>
              <th>holds</th>
            </tr>
          </thead>
          <tbody>
            {r.ipc.map((o) => (
              <tr key={`${o.namespace}:${o.kind}:${o.id}`}>
                <td>ipc {o.namespace}</td>
                <td>{o.kind === 'shm' ? 'shared memory' : o.kind === 'sem' ? 'semaphores' : 'message queue'}</td>
                <td className="mono">{o.id}</td>
                <td className="mono">{o.key}</td>
                <td className="mono">
                  {o.uid}:{o.gid}
                </td>
                <td className="mono">{o.mode}</td>
                <td>
                  {o.sizeBytes !== undefined && `${o.sizeBytes} bytes`}
                  {o.semaphores !== undefined && `${o.semaphores} semaphores`}
                  {o.messages !== undefined && `${o.messages} messages (limit ${o.maxBytes ?? '?'} bytes)`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">None: SysV objects are dumped only for a tree in an IPC namespace of its own.</p>
      )}
    </div>
  );
}
