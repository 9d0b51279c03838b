import { useState } from 'react';
import type { Checkpoint } from '../../../shared/domain/checkpoint';
import type { Runtime } from '../../../shared/domain/container';
import { links } from '../router';
import { useStasis } from '../store';
import { RestoreDialog } from './checkpoint-actions';
import { Modal } from './modal';

export interface RowContainer {
  hostId: string;
  hostName: string;
  runtime: Runtime;
  id: string;
  name: string;
  state: string;
  /** The newest checkpoint of this container, offered for a restore once it has stopped. */
  lastCheckpoint?: Checkpoint | undefined;
  lineage?: string | undefined;
}

/**
 * The actions that fit a container's state: a running one can be checkpointed or stopped, a stopped one started or
 * restored from its newest checkpoint; Remove (asked first) sits in the row's "More" menu so the row stays narrow.
 */
export function ContainerRowActions({
  c,
  canCheckpoint,
  cannotWhy,
  onCheckpoint,
  showTimeline = true,
}: {
  c: RowContainer;
  canCheckpoint: boolean;
  cannotWhy?: string | undefined;
  onCheckpoint: () => void;
  /** The all-containers table links the timeline from its Checkpoints cell, so its rows stay narrow. */
  showTimeline?: boolean;
}) {
  const act = useStasis((s) => s.containerAct);
  const [restoring, setRestoring] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [busy, setBusy] = useState(false);
  const openMigrate = useStasis((s) => s.openMigrate);
  // Podman containers and process trees move between hosts (migrate.check says why when one cannot).
  const canMigrate = c.state === 'running' && (c.runtime === 'podman' || c.runtime === 'process');
  const label = c.name || c.id.slice(0, 12);
  const where = `${label} on ${c.hostName}`;
  const running = c.state === 'running';
  const runtime = c.runtime === 'process' ? undefined : c.runtime;
  const run = (action: 'stop' | 'start' | 'remove'): void => {
    if (!runtime) return;
    setBusy(true);
    void act(c.hostId, runtime, c.name || c.id, action).finally(() => setBusy(false));
  };
  return (
    <>
      {showTimeline && c.lineage && (
        <a className="button-like" href={links.timeline(c.lineage)} aria-label={`Timeline of ${where}`}>
          Timeline
        </a>
      )}
      {running ? (
        <>
          <button type="button" disabled={!canCheckpoint} title={cannotWhy} onClick={onCheckpoint} aria-label={`Checkpoint ${where}`}>
            Checkpoint…
          </button>
          {canMigrate && (
            <button type="button" onClick={() => openMigrate({ hostId: c.hostId, runtime: c.runtime, container: c.runtime === 'process' ? c.id : c.name || c.id })} aria-label={`Migrate ${where}…`}>
              Migrate…
            </button>
          )}
          {runtime && (
            <button type="button" disabled={busy} onClick={() => run('stop')} aria-label={`Stop ${where}`}>
              Stop
            </button>
          )}
        </>
      ) : (
        <>
          {runtime && (
            <button type="button" disabled={busy} onClick={() => run('start')} aria-label={`Start ${where}`}>
              Start
            </button>
          )}
          {c.lastCheckpoint && (
            <button type="button" onClick={() => setRestoring(true)} aria-label={`Restore ${where} from its last checkpoint`}>
              Restore…
            </button>
          )}
        </>
      )}
      {runtime && (
        <details className="overflow-menu">
          <summary aria-label={`More actions for ${where}`} title="More actions">
            ⋯
          </summary>
          <div className="menu" role="menu">
            <button type="button" role="menuitem" className="danger" disabled={busy} onClick={() => setRemoving(true)} aria-label={`Remove ${where}…`}>
              Remove…
            </button>
          </div>
        </details>
      )}
      {restoring && c.lastCheckpoint && <RestoreDialog checkpoint={c.lastCheckpoint} onClose={() => setRestoring(false)} />}
      {removing && (
        <Modal title={`Remove ${label}?`} onClose={() => setRemoving(false)}>
          <p>
            Remove the {c.runtime} container <b>{label}</b> from {c.hostName}?{' '}
            {running ? 'It is running: it will be stopped first, and its processes end. ' : ''}
            Its checkpoints stay in the store{c.lastCheckpoint ? ' and can be restored later' : ''}. This cannot be undone.
          </p>
          <div className="actions">
            <button type="button" onClick={() => setRemoving(false)}>
              Keep it
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => {
                setRemoving(false);
                run('remove');
              }}
            >
              Remove
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}
