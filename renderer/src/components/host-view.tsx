import type { ReactNode } from 'react';
import type { HostCapabilities } from '../../../shared/domain/host';
import { useHosts } from '../store/hosts-store';

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

function Capabilities({ c }: { c: HostCapabilities }) {
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

export function HostView({ hostId }: { hostId: string }) {
  const host = useHosts((s) => s.hosts.find((h) => h.id === hostId));
  const loading = useHosts((s) => s.loading);
  const reprobe = useHosts((s) => s.reprobe);
  if (!host) return <p className="muted">{loading ? 'Looking at this computer…' : 'No such host.'}</p>;
  return (
    <section aria-labelledby="host-title">
      <header className="view-header">
        <h1 id="host-title">{host.name}</h1>
        <span className="muted">{host.capabilities?.hostname ?? host.address}</span>
        <button type="button" onClick={() => void reprobe(hostId)} disabled={loading}>
          {loading ? 'Checking…' : 'Check again'}
        </button>
      </header>
      {host.capabilities ? <Capabilities c={host.capabilities} /> : <p className="problem">{host.error}</p>}
    </section>
  );
}
