import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import type { MigrationPlan, MigrationResult, PreflightCheck } from '../../../shared/domain/migration';
import { formatBytes, formatDuration, hostLabel } from '../format';
import { useRootStore, useStasis } from '../store';
import type { MigrateTarget } from '../store/jobs-slice';
import type { Problem } from '../store/messages';
import { Modal } from './modal';

export type { MigrateTarget } from '../store/jobs-slice';

// Phases before the freeze: cancelling there leaves the source untouched. After it, cancel means rollback.
const BEFORE_FREEZE = new Set(['preflight', 'image-copy']);
const VERDICT_WORD: Record<PreflightCheck['verdict'], string> = { ok: 'OK', warn: 'Warning', fixable: 'Can be fixed', fail: 'Fails' };
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

type Check = { state: 'idle' } | { state: 'checking' } | { state: 'plan'; plan: MigrationPlan } | { state: 'problem'; problem: Problem };

/**
 * "Migrate…": choose where to, see the preflight checklist and the strategy (nothing stops yet), start, watch the
 * phases and bytes of the job (with Cancel: clean before the freeze, a rollback after it), and end on a summary.
 */
export function MigrateDialog({ target, onClose }: { target: MigrateTarget; onClose: () => void }) {
  const hosts = useStasis((s) => s.hosts);
  const checkMigration = useStasis((s) => s.checkMigration);
  const migrate = useStasis((s) => s.migrate);
  const cancelJob = useStasis((s) => s.cancelJob);
  const store = useRootStore();
  const others = hosts.filter((h) => h.id !== target.hostId);
  const name = (id: string): string => hostLabel(id, hosts.find((h) => h.id === id)?.name);
  const [dest, setDest] = useState(others[0]?.id ?? '');
  const [newName, setNewName] = useState('');
  const [keepSource, setKeepSource] = useState(false);
  const [copyImage, setCopyImage] = useState(false);
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const [jobId, setJobId] = useState<string | undefined>();
  const [result, setResult] = useState<{ ok: true; value: MigrationResult } | { ok: false; problem: Problem } | undefined>();
  const job = useStasis((s) => (jobId ? s.jobs[jobId] : undefined));
  const nameOk = newName.trim() === '' || NAME_RE.test(newName.trim());

  const input = (): Parameters<typeof migrate>[0] => ({
    sourceHostId: target.hostId,
    runtime: target.runtime,
    container: target.container,
    destHostId: dest,
    keepSource,
    copyImage,
    ...(newName.trim() ? { name: newName.trim() } : {}),
  });

  // The preflight runs again whenever what it depends on changes; a stale answer is dropped.
  useEffect(() => {
    if (!dest || !nameOk || jobId) return;
    let current = true;
    setCheck({ state: 'checking' });
    void checkMigration(input()).then((out) => {
      if (!current) return;
      setCheck(out.ok ? { state: 'plan', plan: out.value } : { state: 'problem', problem: out.problem });
    });
    return () => {
      current = false;
    };
    // input() reads exactly these (keepSource does not change the checks).
  }, [dest, newName, copyImage, checkMigration, target.hostId, target.container, target.runtime]);

  const plan = check.state === 'plan' ? check.plan : undefined;
  const imageFixable = plan?.checks.some((c) => c.verdict === 'fixable') ?? false;
  const canStart = Boolean(plan?.ok) && !jobId && nameOk;

  const start = (): void => {
    if (!canStart) return;
    const running = migrate(input());
    // migrate() files its job synchronously before its first await: the newest job is this one.
    setJobId(store.getState().jobOrder[0]);
    void running.then(setResult);
  };

  const title = `Migrate ${target.runtime === 'process' ? `process tree ${target.container}` : target.container} from ${name(target.hostId)}`;
  const phases = (job?.log ?? []).filter((l) => l.startsWith('Phase: ')).map((l) => l.slice('Phase: '.length));
  const frozen = job?.phase !== undefined && !BEFORE_FREEZE.has(job.phase);

  // On document.body, above whatever the page stacks (sticky table cells, menus).
  return createPortal(
    <Modal title={title} onClose={onClose}>
      <div className="migrate-dialog">
        {!jobId && (
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              start();
            }}
          >
            {others.length === 0 ? (
              <p className="problem">There is no other host to move it to. Add one on the Hosts page first.</p>
            ) : (
              <label>
                Destination host
                <select value={dest} onChange={(e) => setDest(e.target.value)} autoFocus>
                  {others.map((h) => (
                    <option key={h.id} value={h.id}>
                      {hostLabel(h.id, h.name)}
                      {h.status !== 'ok' ? ` (${h.status})` : ''}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label>
              New name on the destination (optional)
              <input type="text" maxLength={128} value={newName} onChange={(e) => setNewName(e.target.value)} placeholder={target.container} aria-invalid={!nameOk} />
              {!nameOk && <span className="field-error">Letters, digits, “_”, “.” and “-” only, starting with a letter or digit.</span>}
            </label>
            <label className="check">
              <input type="checkbox" checked={keepSource} onChange={(e) => setKeepSource(e.target.checked)} />
              <span>
                Keep the source container
                <span className="hint">stopped, on {name(target.hostId)}; otherwise it is removed once the destination runs (the checkpoint is kept either way)</span>
              </span>
            </label>
            <label className="check">
              <input type="checkbox" checked={copyImage} onChange={(e) => setCopyImage(e.target.checked)} />
              <span>
                Copy the image if the destination lacks it
                <span className="hint">podman save | podman load over the same connection</span>
              </span>
            </label>
            <Preflight check={check} imageFixable={imageFixable && !copyImage} onCopyImage={() => setCopyImage(true)} />
            <div className="actions">
              <button type="button" onClick={onClose}>
                Close
              </button>
              <button type="submit" className="primary" disabled={!canStart} title={canStart ? undefined : 'Every check must pass first'}>
                Start migration
              </button>
            </div>
          </form>
        )}
        {jobId && !result && (
          <div aria-live="polite">
            <p className="job-progress">
              Phase: <b>{job?.phase ?? 'starting'}</b>
              {job?.bytes !== undefined && (
                <>
                  {' · '}
                  {formatBytes(job.bytes)}
                  {job.expectedBytes ? ` of ~${formatBytes(job.expectedBytes)}` : ''}
                </>
              )}
              {job?.etaMs !== undefined && <> · about {formatDuration(job.etaMs)} left</>}
            </p>
            {job?.expectedBytes && job.bytes !== undefined && <progress max={job.expectedBytes} value={Math.min(job.bytes, job.expectedBytes)} aria-label="Transfer" />}
            <ol className="phases" aria-label="Phases so far">
              {phases.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ol>
            <p className="hint">
              {frozen
                ? `The container is frozen. Cancel rolls back: it is restored on ${name(target.hostId)} from its checkpoint and nothing runs on ${name(dest)}.`
                : 'Nothing has stopped yet: Cancel ends the migration cleanly and the container goes on running here.'}
            </p>
            <div className="actions">
              <button type="button" onClick={onClose}>
                Hide (it goes on in Jobs)
              </button>
              <button type="button" className="danger" disabled={!job?.cancellable || job.cancelRequested || job.state !== 'running'} onClick={() => void cancelJob(jobId)}>
                {job?.cancelRequested ? 'Cancelling…' : frozen ? 'Cancel and roll back' : 'Cancel'}
              </button>
            </div>
          </div>
        )}
        {result && <Summary result={result} name={name} onClose={onClose} />}
      </div>
    </Modal>,
    document.body,
  );
}

function Preflight({ check, imageFixable, onCopyImage }: { check: Check; imageFixable: boolean; onCopyImage: () => void }) {
  if (check.state === 'idle') return null;
  if (check.state === 'checking') return <p className="muted">Running the preflight checks… (nothing stops)</p>;
  if (check.state === 'problem')
    return (
      <div className="problem" role="alert">
        <p>{check.problem.message}</p>
        {check.problem.detail && <p className="detail-text">{check.problem.detail}</p>}
      </div>
    );
  const { plan } = check;
  return (
    <section aria-label="Preflight checklist">
      <table className="table">
        <thead>
          <tr>
            <th>Check</th>
            <th>Verdict</th>
            <th>Details and what to do</th>
          </tr>
        </thead>
        <tbody>
          {plan.checks.map((c) => (
            <tr key={c.id} data-verdict={c.verdict}>
              <td>{c.label}</td>
              <td className={c.verdict === 'ok' ? 'good' : c.verdict === 'warn' ? '' : 'bad'}>{VERDICT_WORD[c.verdict]}</td>
              <td>
                {c.detail}
                {c.fix && <div className="hint">{c.fix}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {imageFixable && (
        <p>
          <button type="button" onClick={onCopyImage}>
            Copy the image to the destination
          </button>
        </p>
      )}
      <p aria-label="Strategy">
        Strategy: <b>{plan.strategy}</b> — {plan.strategyReason}
        {plan.expectedDowntimeMs !== null && <> Expected downtime about {formatDuration(plan.expectedDowntimeMs)}.</>}
        {plan.memoryBytes !== null && <> Memory to carry: {formatBytes(plan.memoryBytes)}.</>}
      </p>
      <p className={plan.ok ? 'good' : 'bad'}>{plan.ok ? 'Every check passes: nothing has stopped yet.' : 'A check fails: fix it, then the preflight runs again.'}</p>
    </section>
  );
}

function Summary({ result, name, onClose }: { result: { ok: true; value: MigrationResult } | { ok: false; problem: Problem }; name: (id: string) => string; onClose: () => void }) {
  return (
    <section aria-label="Migration summary">
      {result.ok ? (
        <>
          <p className={result.value.rolledBack ? 'bad' : 'good'}>{result.value.message}</p>
          <dl className="summary">
            <dt>Runs on</dt>
            <dd>
              {name(result.value.runningOn)} as {result.value.container.name}
            </dd>
            <dt>Strategy</dt>
            <dd>{result.value.strategy}</dd>
            <dt>Downtime</dt>
            <dd>{formatDuration(result.value.downtimeMs)}</dd>
            <dt>Total time</dt>
            <dd>{formatDuration(result.value.totalMs)}</dd>
            <dt>Bytes on the wire</dt>
            <dd>
              {formatBytes(result.value.bytes)}
              {result.value.imageBytes > 0 ? ` (+ ${formatBytes(result.value.imageBytes)} of image)` : ''}
            </dd>
            {result.value.checkpointId && (
              <>
                <dt>Checkpoint kept</dt>
                <dd className="mono">{result.value.checkpointId}</dd>
              </>
            )}
          </dl>
        </>
      ) : (
        <div className="problem" role="alert">
          <p>{result.problem.code === 'cancelled' ? `Cancelled: ${result.problem.message}` : `The migration failed: ${result.problem.message}`}</p>
          {result.problem.detail && <p className="detail-text">{result.problem.detail}</p>}
        </div>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </section>
  );
}

/** The open "Migrate…" dialog, mounted once beside the routes so that it outlives the row that opened it. */
export function MigrateDialogHost() {
  const target = useStasis((s) => s.migrateTarget);
  const openMigrate = useStasis((s) => s.openMigrate);
  if (!target) return null;
  return <MigrateDialog key={`${target.hostId}:${target.container}`} target={target} onClose={() => openMigrate(undefined)} />;
}
