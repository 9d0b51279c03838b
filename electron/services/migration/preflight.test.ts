import { describe, expect, it } from 'vitest';
import { checkProcesses } from '../../../shared/domain/processes';
import { buildChecks, chooseStrategy, compareVersions, lostProcessesCheck, type DestFacts, type SourceFacts } from './preflight';

const common = { criu: '4.1.1', podman: '4.3.1', ociRuntime: 'runc', criuCheck: true, kernel: '6.18.44', lazyPages: true, dirtyTracking: false, pipeMaxSize: 4194304, diskFree: 80e9 };
const src: SourceFacts = {
  ...common,
  id: 'a'.repeat(64),
  name: 'web',
  state: 'running',
  image: 'localhost/img:1',
  imageId: 'b'.repeat(64),
  network: 'none',
  tcpEstablished: 0,
  tcpListening: 0,
  udp: 0,
  rss: 256 * 1024 * 1024,
  cpuinfo: 'AAAA',
};
const dst: DestFacts = { ...common, imageId: 'b'.repeat(64), nameTaken: false, cpuCompatible: true };
const checks = (s: Partial<SourceFacts>, d: Partial<DestFacts>, copyImage = false) =>
  buildChecks({ source: 'a', dest: 'b', destName: 'web', src: { ...src, ...s }, dst: { ...dst, ...d }, copyImage });
const verdict = (list: ReturnType<typeof checks>, id: string) => list.find((c) => c.id === id)?.verdict;

describe('migration preflight', () => {
  it('passes two matching hosts', () => {
    expect(checks({}, {}).every((c) => c.verdict === 'ok')).toBe(true);
  });

  it('fails an older CRIU on the destination, and says what to do', () => {
    const c = checks({ criu: '4.1.1' }, { criu: '3.17' }).find((x) => x.id === 'criu')!;
    expect(c.verdict).toBe('fail');
    expect(c.fix).toMatch(/Update CRIU on b/);
  });

  it('fails an incompatible CPU, warns when it could not be compared', () => {
    expect(verdict(checks({}, { cpuCompatible: false, cpuCheckOutput: 'Error (criu/arch/x86/cpu.c:367): cpu: CPU instruction capabilities do not match run time' }), 'cpu')).toBe('fail');
    expect(verdict(checks({}, { cpuCompatible: false, cpuCheckOutput: 'Error (criu/image.c:882): Unexpected EOF' }), 'cpu')).toBe('warn');
    expect(verdict(checks({}, { cpuCompatible: null }), 'cpu')).toBe('warn');
  });

  it('names sockets CRIU cannot carry here, a taken name, a missing image (fixable when copying is asked for)', () => {
    const c = checks({ tcpEstablished: 2 }, { nameTaken: true, imageId: '' });
    expect(c.find((x) => x.id === 'sockets')).toMatchObject({ verdict: 'fail', detail: expect.stringMatching(/2 open TCP connection/) });
    expect(verdict(c, 'name')).toBe('fail');
    expect(verdict(c, 'image')).toBe('fail');
    expect(verdict(checks({}, { imageId: '' }, true), 'image')).toBe('fixable');
  });

  it('fails a destination whose podman cannot restore, and too little disk', () => {
    expect(verdict(checks({}, { ociRuntime: 'crun' }), 'runtime')).toBe('fail');
    expect(verdict(checks({}, { diskFree: 10 * 1024 * 1024 }), 'disk')).toBe('fail');
  });

  it('auto picks stop-and-copy for podman and says why lazy and pre-copy are out', () => {
    const c = chooseStrategy('auto', 'podman', src, dst);
    expect(c.strategy).toBe('stop-and-copy');
    expect(c.reason).toMatch(/lazy-pages/);
    expect(c.reason).toMatch(/soft-dirty/);
    expect(chooseStrategy('lazy', 'podman', src, dst).check.verdict).toBe('fail');
    expect(chooseStrategy('pre-copy', 'podman', src, dst).check.verdict).toBe('fail');
  });

  it('compares dotted versions', () => {
    expect(compareVersions('4.1.1', '4.1')).toBe(1);
    expect(compareVersions('3.17', '4.1.1')).toBe(-1);
    expect(compareVersions('4.1', '4.1.0')).toBe(0);
    expect(compareVersions('-', '4.1')).toBeNull();
  });

  it('names processes started with exec that will not move, with the fix (lost-processes)', () => {
    const proc = (pid: number, ppid: number, args: string) => ({ pid, ppid, nspid: pid - 99, name: args.split(' ')[0]!, args });
    const tree = checkProcesses({ init: 100, processes: [proc(100, 90, 'nginx: master'), proc(101, 100, 'nginx: worker')] });
    expect(lostProcessesCheck(tree, 'a', 'b')).toMatchObject({ id: 'lost-processes', verdict: 'ok' });
    const lost = lostProcessesCheck(checkProcesses({ ...tree, processes: [...tree.processes, proc(200, 80, 'sleep 999')] }), 'a', 'b');
    expect(lost.verdict).toBe('warn');
    expect(lost.detail).toContain('PID 101 (sleep 999)');
    expect(lost.detail).toMatch(/podman exec/);
    expect(lost.fix).toMatch(/Stop them before migrating.*on b/);
    expect(lostProcessesCheck(null, 'a', 'b').verdict).toBe('warn');
  });
});
