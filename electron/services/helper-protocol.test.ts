import { describe, expect, it } from 'vitest';
import { HelperLineParser, diagnoseNoVerdict } from './helper-protocol';

describe('helper JSON lines', () => {
  it('reports progress and keeps the verdict with its version stamp', () => {
    const seen: string[] = [];
    const p = new HelperLineParser((e) => seen.push(`${e.phase}:${e.bytes}`));
    for (const l of ['{"event":"progress","phase":"dump","bytes":0}', 'not json', '{"event":"progress","phase":"dump","bytes":42}', '{"result":{"a":1},"v":"1.0.0"}']) p.line(l);
    expect(seen).toEqual(['dump:0', 'dump:42']);
    expect(p.outcome).toEqual({ kind: 'result', value: { a: 1 }, version: '1.0.0' });
  });

  it('turns error lines into StasisErrors, unknown codes into operation-failed', () => {
    const p = new HelperLineParser();
    p.line('{"error":{"code":"busy","message":"wait","detail":""},"v":"1.0.0"}');
    expect(p.outcome).toMatchObject({ kind: 'error', error: { code: 'busy', message: 'wait' } });
    p.line('{"error":{"code":"weird","message":"m"}}');
    expect(p.outcome).toMatchObject({ kind: 'error', error: { code: 'operation-failed' } });
  });

  it('explains a silent helper: missing, sudo password, sudo refusal, crash', () => {
    expect(diagnoseNoVerdict(127, 'sh: 1: /usr/local/libexec/stasis/stasis-helper: not found', 'h').code).toBe('helper-missing');
    expect(diagnoseNoVerdict(1, 'sudo: a password is required', 'h').code).toBe('sudo-needs-password');
    expect(diagnoseNoVerdict(1, 'Sorry, user x is not allowed to execute \'/bin/sh\' as root on h.', 'h').code).toBe('permission-denied');
    expect(diagnoseNoVerdict(null, '', 'h', true).code).toBe('helper-missing');
    expect(diagnoseNoVerdict(139, 'Segmentation fault', 'h').code).toBe('operation-failed');
  });
});
