import { useEffect, useState } from 'react';
import { links } from '../router';
import { useStasis } from '../store';
import { jobPercent, jobProgressText, type Job } from '../store/jobs-slice';

/** Re-renders every second while something runs, for elapsed time and ETA. */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function JobProgress({ job, now }: { job: Job; now: number }) {
  const pct = jobPercent(job);
  return (
    <div className="job-progress">
      <div className="progress" role="progressbar" aria-label={`${job.title} progress`} aria-valuemin={0} aria-valuemax={100} {...(pct !== undefined ? { 'aria-valuenow': pct } : {})}>
        <div className={pct === undefined && job.state === 'running' ? 'bar indeterminate' : 'bar'} style={{ width: `${pct ?? (job.state === 'running' ? 30 : 100)}%` }} />
      </div>
      <span className="muted">{jobProgressText(job, now)}</span>
    </div>
  );
}

/** The running operations of one host, on that host's page (other hosts' jobs stay on theirs and on the jobs page). */
export function JobsStrip({ hostId }: { hostId: string }) {
  const jobs = useStasis((s) => s.jobs);
  const cancelJob = useStasis((s) => s.cancelJob);
  const mine = Object.values(jobs).filter((j) => j.hostId === hostId && j.state === 'running');
  const now = useNow(mine.length > 0);
  if (!mine.length) return null;
  return (
    <div className="operations" role="status" aria-label="Running operations">
      {mine.map((job) => (
        <div key={job.id} className="operation">
          <span className="spinner" aria-hidden />
          <a href={links.jobs(job.id)}>{job.title}</a>
          <JobProgress job={job} now={now} />
          {job.cancellable && (
            <button type="button" onClick={() => void cancelJob(job.id)} disabled={job.cancelRequested}>
              {job.cancelRequested ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
        </div>
      ))}
    </div>
  );
}
