import { useState, type ReactNode } from 'react';
import type { HostCapabilities, HostSummary } from '../../../shared/domain/host';
import { useStasis } from '../store';
import { EMPTY_LISTING } from '../store/containers-slice';
import { CheckpointsPanel } from './checkpoints-panel';
import { ContainersPanel } from './containers-panel';
import { JobsStrip } from './jobs-strip';
import { AddHostDialog } from './add-host-dialog';
import { Modal } from './modal';
import { links, navigate } from '../router';
import type { Problem } from '../store/messages';

function Row({ label, value, problem, good }: { label: string; value: ReactNode; problem?: string | undefined; good?: boolean }) {
  return (
    <div className="cap-row">
      <dt>{label}</dt>
      <dd>
        <span className={good === undefined ? '' : good ? 'good' : 'bad'}>{value}</span>
        {problem && <div className="problem">{problem}</div>}
      </dd>
    </div>
  );
}

export function Capabilities({ c }: { c: HostCapabilities }) {
  return (
    <dl className="caps" aria-label="Detected capabilities">
      <Row label="Kernel" value={`${c.kernel} (${c.arch})`} />
      <Row label="CRIU" value={c.criu.found ? `CRIU ${c.criu.version ?? '?'}` : 'not installed'} problem={c.criu.problem} good={c.criu.found && !c.criu.problem} />
      <Row label="criu check" value={c.criu.check ?? 'not run'} good={c.criu.checkPassed} />
      <Row
        label="podman"
        value={c.podman.found ? `podman ${c.podman.version ?? '?'} · runtime ${c.podman.runtime ?? '?'} · ${c.podman.canCheckpoint ? 'can checkpoint' : 'cannot checkpoint'}` : 'not installed'}
        problem={c.podman.problem}
        good={c.podman.canCheckpoint}
      />
      <Row
        label="Docker"
        value={c.docker.found ? `Docker ${c.docker.version ?? ''} · ${c.docker.canCheckpoint ? 'can checkpoint' : 'cannot checkpoint'}` : 'not installed'}
        problem={c.docker.problem}
        good={c.docker.canCheckpoint}
      />
      <Row label="Privileges" value={c.elevation === 'root' ? 'running as root' : `elevates with ${c.elevation}`} problem={c.elevationNote} good={c.elevation !== 'none'} />
    </dl>
  );
}

/**
 * Connection test and set-up of the helper, the same on this computer and on SSH hosts; results are kept under this
 * host's id (never shown on another's page).
 */
function HostActions({ hostId }: { hostId: string }) {
  const check = useStasis((s) => s.checks[hostId]);
  const testHost = useStasis((s) => s.testHost);
  const setUpHost = useStasis((s) => s.setUpHost);
  const [sudoers, setSudoers] = useState(false);
  const busy = check?.busy ?? false;
  const helper = check?.result?.helper;
  return (
    <div className="panel">
      <h2>Connection and helper</h2>
      <div className="toolbar">
        <button type="button" disabled={busy} onClick={() => void testHost(hostId)}>
          Test connection
        </button>
        <span className="nowrap-group">
          <label className="check">
            <input type="checkbox" checked={sudoers} onChange={(e) => setSudoers(e.target.checked)} />
            also let my user run the helper through sudo without a password
          </label>
          <button type="button" disabled={busy} onClick={() => void setUpHost(hostId, sudoers)}>
            Set up this host
          </button>
        </span>
      </div>
      {check?.problem && (
        <div className="banner error" role="alert">
          <span>
            {check.problem.message}
            {check.problem.detail && <pre className="mono detail">{check.problem.detail}</pre>}
          </span>
        </div>
      )}
      {check?.result && (
        <dl className="caps" aria-label="Connection test">
          <Row label="Login" value={`${check.result.user ?? '?'} · ${check.result.latencyMs} ms`} good={check.result.ok} />
          {helper && (
            <Row
              label="Helper"
              value={helper.installed ? `version ${helper.version ?? '?'} via ${helper.via}${helper.upToDate ? '' : ` (expected ${helper.expected})`}` : 'not installed'}
              problem={helper.problem}
              good={helper.installed && helper.upToDate}
            />
          )}
        </dl>
      )}
    </div>
  );
}

/** Edit (hosts added in Stasis) and Remove for an SSH host; hosts from the ssh config are edited in that file. */
function EditRemoveHost({ host }: { host: HostSummary }) {
  const removeHost = useStasis((s) => s.removeHost);
  const sshConfigPath = useStasis((s) => s.appInfo?.sshConfigPath);
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const fromConfig = host.source === 'ssh-config';
  return (
    <>
      {host.manual ? (
        <button type="button" onClick={() => setEditing(true)}>
          Edit…
        </button>
      ) : (
        fromConfig && <span className="muted">edit it in {sshConfigPath ?? 'your ssh config'}</span>
      )}
      <button type="button" className="danger" onClick={() => setRemoving(true)}>
        Remove…
      </button>
      {editing && host.manual && <AddHostDialog editing={host.manual} onClose={() => setEditing(false)} />}
      {removing && (
        <Modal title={`Remove ${host.name}?`} onClose={() => setRemoving(false)}>
          <p>
            {fromConfig
              ? `Stasis stops showing ${host.name}; it stays in ${sshConfigPath ?? 'your ssh config'}.`
              : `Stasis forgets ${host.name} and any password given for it.`}{' '}
            Containers and checkpoints on the host are not touched.
          </p>
          {problem && (
            <p className="field-error" role="alert">
              {problem.message}
            </p>
          )}
          <div className="actions">
            <button type="button" onClick={() => setRemoving(false)}>
              Keep it
            </button>
            <button
              type="button"
              className="danger"
              onClick={() =>
                void removeHost(host.id).then((out) => {
                  if (!out.ok) return setProblem(out.problem);
                  setRemoving(false);
                  navigate(links.home());
                })
              }
            >
              Remove
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}

export function HostView({ hostId }: { hostId: string }) {
  const host = useStasis((s) => s.hosts.find((h) => h.id === hostId));
  const hostsLoaded = useStasis((s) => s.hostsLoaded);
  const probing = useStasis((s) => s.probing[hostId] ?? false);
  const probeHost = useStasis((s) => s.probeHost);
  const refreshHost = useStasis((s) => s.refreshHost);
  const listing = useStasis((s) => s.listings[hostId] ?? EMPTY_LISTING);
  if (!host) {
    return (
      <section className="empty-state">
        <h1 tabIndex={-1}>{hostsLoaded ? 'No such host' : 'Looking at this computer…'}</h1>
        {hostsLoaded && (
          <p className="muted">
            Stasis knows no host called <b>{hostId}</b>. Add it with <b>+ Add host…</b> in the sidebar, or pick one from <a href="#/ssh-config">your SSH config</a>.
          </p>
        )}
      </section>
    );
  }
  return (
    <section aria-labelledby="host-title">
      <header className="view-header">
        <h1 id="host-title" tabIndex={-1}>
          {host.name}
        </h1>
        <span className="muted">{host.capabilities?.hostname ?? host.address}</span>
        <div className="header-actions">
          <button type="button" onClick={() => void refreshHost(hostId)} disabled={listing.loading}>
            {listing.loading ? 'Refreshing…' : 'Refresh'}
          </button>
          <button type="button" onClick={() => void probeHost(hostId)} disabled={probing}>
            {probing ? 'Checking…' : 'Check what it can do'}
          </button>
          {host.kind === 'ssh' && <EditRemoveHost host={host} />}
        </div>
      </header>
      <JobsStrip hostId={hostId} />
      {host.capabilities ? (
        <Capabilities c={host.capabilities} />
      ) : host.error && host.error !== listing.problem?.message ? (
        // Shown once: the containers panel below says the same when the host cannot be listed.
        <p className="problem">{host.error}</p>
      ) : null}
      <HostActions hostId={hostId} />
      <ContainersPanel hostId={hostId} />
      <CheckpointsPanel hostId={hostId} />
    </section>
  );
}
