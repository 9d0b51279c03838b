import { StasisError } from '../../shared/api/errors';
import type { HostProcess } from '../../shared/domain/processes';
import type { CommandRunner } from './command-runner';

const MAX_PROCESSES = 20_000;

/** `ps -eo pid=,ppid=,user=,comm=,args=` lines → processes; kernel threads (children of kthreadd) are left out. */
export function parsePs(text: string): HostProcess[] {
  const out: HostProcess[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    const ppid = Number(m[2]);
    if (pid === 2 || ppid === 2) continue;
    out.push({ pid, ppid, user: m[3]!.slice(0, 64), name: m[4]!.slice(0, 64), args: m[5]!.slice(0, 512) });
    if (out.length >= MAX_PROCESSES) break;
  }
  return out;
}

/**
 * The processes running on a host, for the process-tree picker. `ps` needs no root: the login user sees every
 * process's command line on a normal Linux host.
 */
export async function listHostProcesses(runner: CommandRunner, where: string): Promise<HostProcess[]> {
  const r = await runner.run(['ps', '-eo', 'pid=,ppid=,user=,comm=,args='], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new StasisError('operation-failed', `Could not list the processes on ${where}.`, r.stderr.slice(0, 500));
  return parsePs(r.stdout);
}
