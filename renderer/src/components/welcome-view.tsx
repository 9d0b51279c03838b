import { useState } from 'react';
import type { HostCapabilities } from '../../../shared/domain/host';
import { links } from '../router';
import { useStasis } from '../store';

const WELCOMED_KEY = 'stasis.welcomed';

type Check = { label: string; ok: boolean; text: string; fix?: string | undefined };

/** What this computer needs to checkpoint, each with what to do when it is missing. */
export function readiness(c: HostCapabilities | undefined): Check[] {
  if (!c) return [];
  return [
    { label: 'CRIU', ok: c.criu.found && !c.criu.problem, text: c.criu.found ? `CRIU ${c.criu.version ?? ''}` : 'not installed', fix: c.criu.problem ?? (c.criu.found ? undefined : 'Install CRIU 3.15 or newer (apt install criu).') },
    { label: 'Kernel support', ok: c.criu.checkPassed, text: c.criu.check ?? 'not checked', fix: c.criu.checkPassed ? undefined : 'criu check names what the kernel lacks.' },
    {
      label: 'A container runtime that can checkpoint',
      ok: c.podman.canCheckpoint || c.docker.canCheckpoint,
      text: [c.podman.found && `podman ${c.podman.canCheckpoint ? 'can' : 'cannot'}`, c.docker.found && `Docker ${c.docker.canCheckpoint ? 'can' : 'cannot'}`].filter(Boolean).join(', ') || 'neither podman nor Docker found',
      fix: c.podman.canCheckpoint || c.docker.canCheckpoint ? undefined : (c.podman.problem ?? c.docker.problem ?? 'Install podman with runc (crun lacks checkpoint support on many systems).'),
    },
    { label: 'Privileges', ok: c.elevation !== 'none', text: c.elevation === 'root' ? 'running as root' : `through ${c.elevation}`, fix: c.elevation === 'none' ? c.elevationNote : undefined },
  ];
}

function Readiness() {
  const local = useStasis((s) => s.hosts.find((h) => h.id === 'local'));
  const checks = readiness(local?.capabilities);
  if (!local) return <p className="muted">Looking at this computer…</p>;
  if (!checks.length) return <p className="muted">{local.error ?? 'Not checked yet.'}</p>;
  return (
    <ul className="readiness" aria-label="Readiness of this computer">
      {checks.map((c) => (
        <li key={c.label} className={c.ok ? 'good' : 'bad'}>
          <span aria-hidden>{c.ok ? '✓' : '✗'}</span> <b>{c.label}</b>: <span>{c.text}</span>
          {!c.ok && c.fix && <div className="problem">{c.fix}</div>}
        </li>
      ))}
    </ul>
  );
}

const WHAT = (
  <p>
    Stasis takes <b>checkpoints</b> of running containers and process trees with CRIU: their whole memory and state, saved to a file. You can restore one
    later — on this computer or another — and it carries on where it stopped; you can <b>look inside</b> a checkpoint (processes, open files, sockets,
    memory) and <b>compare</b> two. It works on this computer and on any host you reach over SSH.
  </p>
);

/** The first-run page: what Stasis does and whether this computer is ready. */
export function WelcomeView() {
  return (
    <section aria-labelledby="welcome-title" className="welcome">
      <header className="view-header">
        <h1 id="welcome-title" tabIndex={-1}>
          Welcome to Stasis
        </h1>
      </header>
      {WHAT}
      <h2>Is this computer ready?</h2>
      <Readiness />
      <h2>Next steps</h2>
      <ol>
        <li>
          See every container on every host: <a href={links.containers()}>All containers</a>.
        </li>
        <li>Press Checkpoint… on a running container; the job shows its progress on the Jobs page.</li>
        <li>Open a container&apos;s Timeline to look inside, compare or restore its checkpoints.</li>
        <li>Add a remote machine with + Add host… in the sidebar, or from your SSH config.</li>
      </ol>
    </section>
  );
}

/** On the home page until dismissed: a short version of the welcome page. */
export function WelcomeCard() {
  const [shown, setShown] = useState(() => localStorage.getItem(WELCOMED_KEY) === null);
  if (!shown) return null;
  return (
    <aside className="welcome-card" aria-label="Welcome">
      <div className="welcome-card-head">
        <h2>Welcome to Stasis</h2>
        <button
          type="button"
          onClick={() => {
            localStorage.setItem(WELCOMED_KEY, '1');
            setShown(false);
          }}
        >
          Got it
        </button>
      </div>
      {WHAT}
      <Readiness />
      <p>
        <a href={links.welcome()}>More about getting started</a>
      </p>
    </aside>
  );
}
