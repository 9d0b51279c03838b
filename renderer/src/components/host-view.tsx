import { useEffect, useState, type ReactNode } from 'react';
import type { HostCapabilities } from '../../../shared/domain/host';
import type { HostTestResult } from '../../../shared/domain/ssh-host';
import { api } from '../api';
import { useWorkspace } from '../store/workspace-store';
import { CheckpointsPanel } from './checkpoints-panel';
import { ContainersPanel } from './containers-panel';
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

function SshHostActions({ hostId }: { hostId: string }) {
  const [result, setResult] = useState<HostTestResult>();
  const [busy, setBusy] = useState(false);
  const [sudoers, setSudoers] = useState(false);
  const refresh = useWorkspace((s) => s.refresh);
  const run = async (fn: () => Promise<void>): Promise<void> => {
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      useWorkspace.setState({ notice: { tone: 'error', text: err instanceof Error ? err.message : String(err) } });
    } finally {
      setBusy(false);
    }
  };
  const helper = result?.helper;
  return (
    <div className="panel">
      <h2>Connection</h2>
      <div className="toolbar">
        <button type="button" disabled={busy} onClick={() => void run(async () => setResult(await api.hosts.test({ hostId })))}>
          Test connection
        </button>
        <label className="check">
          <input type="checkbox" checked={sudoers} onChange={(e) => setSudoers(e.target.checked)} />
          also let my user run the helper through sudo without a password
        </label>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const r = await api.hosts.setUp({ hostId, sudoers });
              useWorkspace.setState({ notice: { tone: 'ok', text: `Installed the Stasis helper ${r.version} at ${r.helperPath}${r.sudoers ? ' with a sudoers rule' : ''}.` } });
              setResult(await api.hosts.test({ hostId }));
              await refresh(hostId);
            })
          }
        >
          Set up this host
        </button>
      </div>
      {result && (
        <dl className="caps" aria-label="Connection test">
          <Row label="Login" value={`${result.user ?? '?'} · ${result.latencyMs} ms`} good={result.ok} />
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

export function HostView({ hostId }: { hostId: string }) {
  const host = useHosts((s) => s.hosts.find((h) => h.id === hostId));
  const loading = useHosts((s) => s.loading);
  const reprobe = useHosts((s) => s.reprobe);
  const refresh = useWorkspace((s) => s.refresh);
  const busy = useWorkspace((s) => s.loadingHosts.has(hostId));
  useEffect(() => {
    if (host) void refresh(hostId);
  }, [hostId, Boolean(host), refresh]);
  if (!host) return <p className="muted">{loading ? 'Looking at this computer…' : 'No such host.'}</p>;
  return (
    <section aria-labelledby="host-title">
      <header className="view-header">
        <h1 id="host-title">{host.name}</h1>
        <span className="muted">{host.capabilities?.hostname ?? host.address}</span>
        <div className="header-actions">
          <button type="button" onClick={() => void refresh(hostId)} disabled={busy}>
            {busy ? 'Refreshing…' : 'Refresh'}
          </button>
          <button type="button" onClick={() => void reprobe(hostId)} disabled={loading}>
            {loading ? 'Checking…' : host.capabilities ? 'Check again' : 'Check what it can do'}
          </button>
        </div>
      </header>
      {host.capabilities ? <Capabilities c={host.capabilities} /> : host.error ? <p className="problem">{host.error}</p> : null}
      {host.kind === 'ssh' && <SshHostActions hostId={hostId} />}
      <ContainersPanel hostId={hostId} />
      <CheckpointsPanel hostId={hostId} />
    </section>
  );
}
