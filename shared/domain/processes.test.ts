import { describe, expect, it } from 'vitest';
import { checkProcesses, formatLeftOut, leftOutText, lostProcesses, parseLeftOut, type ContainerProcess } from './processes';

const p = (pid: number, ppid: number, nspid: number, args: string): ContainerProcess => ({ pid, ppid, nspid, name: args.split(' ')[0]!, args });

// What podman top showed in issue 12: init sh (1) with a child, two exec'd trees hanging off conmon.
const snapshot = {
  init: 100,
  processes: [p(100, 90, 1, 'sh -c sleep 1001 & wait'), p(106, 100, 6, 'sleep 1001'), p(107, 95, 7, 'sleep 2002'), p(112, 96, 12, 'sh -c sleep 3003'), p(117, 112, 17, 'sleep 3003')],
};

describe('lost processes', () => {
  it('are those outside the init tree, children of exec\'d processes included', () => {
    expect(lostProcesses(snapshot).map((x) => x.nspid)).toEqual([7, 12, 17]);
    expect(checkProcesses(snapshot).reason).toMatch(/podman exec/);
  });

  it('are none when every process descends from init', () => {
    const c = checkProcesses({ init: 100, processes: snapshot.processes.slice(0, 2) });
    expect(c.lost).toEqual([]);
    expect(c.reason).toBe('');
  });

  it('round-trip through the stored record, hostile names flattened', () => {
    const rec = formatLeftOut([p(107, 95, 7, 'sleep 2002'), { ...p(5, 1, 9, 'x'), name: 'a"b\\c,d:e ü' }]);
    expect(rec).toBe('7:sleep,9:a_b_c_d_e__');
    expect(formatLeftOut([{ ...p(5, 1, 9, 'x'), name: 'a..b' }])).toBe('9:a__b');
    expect(parseLeftOut(rec).processes).toEqual([{ pid: 7, name: 'sleep' }, { pid: 9, name: 'a_b_c_d_e__' }]);
    expect(leftOutText(rec)).toBe('Left out: PID 7 (sleep), PID 9 (a_b_c_d_e__)');
  });

  it('records at most 50 and counts the rest', () => {
    const many = Array.from({ length: 53 }, (_, i) => p(1000 + i, 1, 10 + i, 'sleep 1'));
    const rec = formatLeftOut(many);
    expect(rec.length).toBeLessThan(1400);
    expect(parseLeftOut(rec)).toMatchObject({ more: 3 });
    expect(leftOutText(rec)).toMatch(/and 3 more$/);
    expect(leftOutText(undefined)).toBe('');
    expect(parseLeftOut('junk,"x":1,7:ok')).toEqual({ processes: [{ pid: 7, name: 'ok' }], more: 0 });
  });
});
