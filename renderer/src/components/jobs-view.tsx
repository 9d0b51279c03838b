import { useState } from 'react';
import { escapeControlKeepLines } from '../../../shared/text/escape';
import { hostLabel } from '../format';
import { links } from '../router';
import { useStasis } from '../store';
import type { Job } from '../store/jobs-slice';
import { copyText } from '../ui/copy';
import { JobProgress, useNow } from './jobs-strip';

const STATE_LABEL: Record<Job['state'], string> = { running: 'running', done: 'done', failed: 'failed', cancelled: 'cancelled' };

/** What to do next, by the kind of error: the message says what failed, this says where to go. */
function nextStep(job: Job): string | undefined {
  switch (job.problem?.code) {
    case 'helper-missing':
    case 'helper-outdated':
      return `Open ${hostLabel(job.hostId)}'s page and press “Set up this host”.`;
    case 'host-unreachable':
    case 'auth-failed':
      return `Open ${hostLabel(job.hostId)}'s page and press “Test connection”.`;
    case 'criu-missing':
    case 'criu-too-old':
    case 'runtime-cannot-checkpoint':
      return `The host's page lists what is missing (“Check what it can do”).`;
    case 'busy':
      return 'Another operation on this container is running: wait for it (this page), then try again.';
    default:
      return undefined;
  }
}

function JobLog({ job }: { job: Job }) {
  return (
    <div className="job-log" aria-label={`Log of ${job.title}`}>
      <pre className="mono">{job.log.join('\n')}</pre>
      <button type="button" className="small" onClick={() => void copyText(job.log.join('\n'))}>
        Copy log
      </button>
      <details className="helper-log">
        <summary>The helper's own words ({job.helperLog.length} lines{job.helperLogDropped ? `, ${job.helperLogDropped} older let go` : ''})</summary>
        <pre className="mono" aria-label={`Helper log of ${job.title}`}>
          {job.helperLog.length ? escapeControlKeepLines(job.helperLog.join('\n')) : 'Nothing from the helper yet.'}
        </pre>
        <button type="button" className="small" onClick={() => void copyText(job.helperLog.join('\n'))}>
          Copy the helper's words
        </button>
      </details>
    </div>
  );
}

/** Every operation of this session, running first, then newest; each with its progress, log and cancel. */
export function JobsView({ selected }: { selected: string | undefined }) {
  const jobs = useStasis((s) => s.jobs);
  const order = useStasis((s) => s.jobOrder);
  const cancelJob = useStasis((s) => s.cancelJob);
  const clear = useStasis((s) => s.clearFinishedJobs);
  const list = order.map((id) => jobs[id]!).filter(Boolean);
  const running = list.filter((j) => j.state === 'running');
  const now = useNow(running.length > 0);
  const [open, setOpen] = useState<string | undefined>(selected);
  const [permission, setPermission] = useState(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  const sorted = [...running, ...list.filter((j) => j.state !== 'running')];
  return (
    <section aria-labelledby="jobs-title">
      <header className="view-header">
        <h1 id="jobs-title" tabIndex={-1}>
          Jobs
        </h1>
        <span className="muted">{running.length ? `${running.length} running` : 'nothing running'}</span>
        <div className="header-actions">
          {permission === 'default' && (
            <button type="button" onClick={() => void Notification.requestPermission().then(setPermission)}>
              Notify me when long jobs end
            </button>
          )}
          <button type="button" onClick={clear} disabled={list.length === running.length}>
            Clear finished
          </button>
        </div>
      </header>
      {sorted.length === 0 ? (
        <div className="empty-state">
          <p className="muted">
            No jobs yet. Checkpoints, restores, deletions and migrations you start show here with their progress, whichever page you are on. Start one from{' '}
            <a href={links.containers()}>All containers</a>.
          </p>
        </div>
      ) : (
        <ul className="jobs" aria-label="Jobs">
          {sorted.map((job) => {
            const step = nextStep(job);
            return (
              <li key={job.id} className={`job ${job.state}`} aria-label={job.title}>
                <div className="job-head">
                  <span className={`tag state-${job.state}`}>{STATE_LABEL[job.state]}</span>
                  <span className="tag">{job.kind}</span>
                  <b className="job-title">{job.title}</b>
                  <span className="spacer" />
                  {job.lineage && (
                    <a className="button-like small" href={links.timeline(job.lineage)}>
                      Timeline
                    </a>
                  )}
                  <button type="button" className="small" onClick={() => setOpen(open === job.id ? undefined : job.id)} aria-expanded={open === job.id}>
                    {open === job.id ? 'Hide log' : 'Log'}
                  </button>
                  {job.state === 'running' && job.cancellable && (
                    <button type="button" className="small" onClick={() => void cancelJob(job.id)} disabled={job.cancelRequested} aria-label={`Cancel ${job.title}`}>
                      {job.cancelRequested ? 'Cancelling…' : 'Cancel'}
                    </button>
                  )}
                </div>
                <JobProgress job={job} now={now} />
                {job.summary && <p className="job-summary">{job.summary}</p>}
                {job.problem && job.state !== 'cancelled' && (
                  <p className="job-problem bad">
                    {job.problem.message}
                    {step && <span className="next-step"> {step}</span>}
                  </p>
                )}
                {open === job.id && <JobLog job={job} />}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
