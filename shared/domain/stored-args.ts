import { z } from 'zod';

/**
 * Each process's command line and environment as read from a checkpoint's memory pages, kept beside a stored
 * checkpoint's page-less images (the helper's `args.json`), so the image browser shows them without the pages.
 * Keyed by PID (as text). The file comes back from a host: it is parsed here like any reply.
 */
export const StoredArgs = z.record(
  z.string().regex(/^[1-9][0-9]{0,9}$/),
  z.object({ cmdline: z.array(z.string().max(65_536)).max(4096), environ: z.array(z.string().max(65_536)).max(8192).optional() }),
);
export type StoredArgs = z.infer<typeof StoredArgs>;

/** What the helper keeps at most (keep-args refuses more). */
export const STORED_ARGS_MAX_BYTES = 256 * 1024;

interface ArgsHolder {
  pid: number;
  cmdline: string[];
  environ?: string[];
}

/** The command lines and environments a report has, in the stored form. */
export function argsOf(processes: readonly ArgsHolder[]): StoredArgs {
  const out: StoredArgs = {};
  for (const p of processes) {
    if (!p.cmdline.length && !p.environ) continue;
    out[String(p.pid)] = { cmdline: p.cmdline, ...(p.environ ? { environ: p.environ } : {}) };
  }
  return out;
}

/** Fills in the command lines and environments a page-less report could not read. */
export function withArgs<P extends ArgsHolder>(processes: P[], args: StoredArgs): P[] {
  return processes.map((p) => {
    const a = args[String(p.pid)];
    if (!a || p.cmdline.length) return p;
    return { ...p, cmdline: a.cmdline, ...(a.environ ? { environ: a.environ } : {}) };
  });
}

/** True when a report lacks what the pages would give (a page-less read of a stored checkpoint). */
export function missingArgs(processes: readonly ArgsHolder[]): boolean {
  return processes.some((p) => !p.cmdline.length);
}
