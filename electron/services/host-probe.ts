import type { HostCapabilities, RuntimeStatus, ToolStatus } from '../../shared/domain/host';
import type { Exec, ExecResult } from './exec';

/** CRIU 4 is the oldest release whose images and options Stasis supports. */
export const MIN_CRIU_MAJOR = 4;

const firstLine = (s: string): string => s.trim().split('\n')[0]?.trim() ?? '';

function toolMissing(name: string, hint: string): ToolStatus {
  return { found: false, problem: `${name} is not installed. ${hint}` };
}

export function parseCriuVersion(stdout: string): string | undefined {
  return /Version:\s*([0-9][\w.-]*)/.exec(stdout)?.[1];
}

function criuStatus(version: ExecResult, check: ExecResult, isRoot: boolean): HostCapabilities['criu'] {
  if (version.notFound || version.code !== 0) {
    return { ...toolMissing('CRIU', 'Install CRIU 4 or newer (package "criu").'), checkPassed: false };
  }
  const v = parseCriuVersion(version.stdout);
  const major = Number(v?.split('.')[0] ?? NaN);
  const tooOld = Number.isFinite(major) && major < MIN_CRIU_MAJOR;
  const out = `${check.stdout}\n${check.stderr}`;
  const passed = check.code === 0 && /Looks good/i.test(out);
  const verdict = passed
    ? 'Looks good.'
    : isRoot
      ? firstLine(out.split('\n').find((l) => /Error|error|fail|not/i.test(l) && !/rlimit/i.test(l)) ?? out) || 'criu check failed'
      : 'Not run: criu check needs root. Stasis runs it through its privileged helper.';
  return {
    found: true,
    ...(v ? { version: v } : {}),
    ...(tooOld ? { problem: `CRIU ${v} is too old: Stasis needs CRIU ${MIN_CRIU_MAJOR} or newer.` } : {}),
    check: verdict,
    checkPassed: passed,
  };
}

async function podmanStatus(exec: Exec, criuOk: boolean): Promise<RuntimeStatus> {
  const version = await exec(['podman', 'version', '--format', '{{.Client.Version}}'], { timeoutMs: 15_000 });
  if (version.notFound) return { ...toolMissing('podman', 'Install podman to checkpoint its containers.'), canCheckpoint: false };
  const runtime = firstLine((await exec(['podman', 'info', '--format', '{{.Host.OCIRuntime.Name}}'], { timeoutMs: 20_000 })).stdout);
  let canCheckpoint = criuOk && runtime === 'runc';
  let problem: string | undefined;
  if (runtime === 'crun') {
    const crun = await exec(['crun', '--version']);
    canCheckpoint = criuOk && /\+CRIU/.test(crun.stdout);
    if (!/\+CRIU/.test(crun.stdout)) {
      problem = 'podman uses crun built without CRIU: set runtime = "runc" in containers.conf, or install a crun with +CRIU.';
    }
  } else if (!runtime) {
    problem = 'podman did not report its OCI runtime (is podman working?).';
  }
  if (!criuOk && !problem) problem = 'Checkpoints need a working CRIU 4 (see CRIU above).';
  return {
    found: true,
    version: firstLine(version.stdout) || undefined,
    ...(runtime ? { runtime } : {}),
    canCheckpoint,
    ...(problem ? { problem } : {}),
  };
}

async function dockerStatus(exec: Exec, criuOk: boolean): Promise<RuntimeStatus> {
  const r = await exec(['docker', 'version', '--format', '{{.Server.Version}} {{.Server.Experimental}}'], { timeoutMs: 10_000 });
  if (r.notFound) return { ...toolMissing('Docker', 'Install Docker to checkpoint its containers.'), canCheckpoint: false };
  const [version, experimental] = firstLine(r.stdout).split(' ');
  if (r.code !== 0 || !version) {
    return { found: true, canCheckpoint: false, problem: 'The Docker daemon is not running or not reachable.' };
  }
  const exp = experimental === 'true';
  return {
    found: true,
    version,
    runtime: 'runc',
    canCheckpoint: exp && criuOk,
    ...(exp ? {} : { problem: 'Docker checkpoints need the daemon in experimental mode ("experimental": true in daemon.json).' }),
  };
}

async function elevation(exec: Exec, isRoot: boolean): Promise<Pick<HostCapabilities, 'elevation' | 'elevationNote'>> {
  if (isRoot) return { elevation: 'root', elevationNote: 'Stasis runs as root here: privileged actions run directly.' };
  const sudo = await exec(['sudo', '-n', 'true'], { timeoutMs: 5_000 });
  if (sudo.code === 0) return { elevation: 'sudo', elevationNote: 'Privileged actions run through sudo without a password.' };
  const pkexec = await exec(['pkexec', '--version'], { timeoutMs: 5_000 });
  if (pkexec.code === 0) return { elevation: 'pkexec', elevationNote: 'Privileged actions ask for your password through polkit (pkexec).' };
  return { elevation: 'none', elevationNote: 'No way to act as root: install polkit (pkexec) or allow sudo for the Stasis helper.' };
}

/** Finds out what a host can do. Every command is read-only; nothing here needs root except `criu check`. */
export async function probeHost(exec: Exec): Promise<HostCapabilities> {
  const [uname, host, id, criuVersion] = await Promise.all([
    exec(['uname', '-rm']),
    exec(['hostname']),
    exec(['id', '-u']),
    exec(['criu', '--version']),
  ]);
  const isRoot = firstLine(id.stdout) === '0';
  const check = isRoot && criuVersion.code === 0 ? await exec(['criu', 'check'], { timeoutMs: 30_000 }) : { code: null, stdout: '', stderr: '' };
  const criu = criuStatus(criuVersion, check, isRoot);
  const criuOk = criu.found && !criu.problem && (criu.checkPassed || !isRoot);
  const [podman, docker, elev] = await Promise.all([podmanStatus(exec, criuOk), dockerStatus(exec, criuOk), elevation(exec, isRoot)]);
  const [kernel = 'unknown', arch = 'unknown'] = firstLine(uname.stdout).split(' ');
  return {
    hostname: firstLine(host.stdout) || 'unknown',
    kernel,
    arch,
    criu,
    podman,
    docker,
    ...elev,
    probedAt: new Date().toISOString(),
  };
}
