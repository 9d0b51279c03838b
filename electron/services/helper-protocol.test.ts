import { describe, expect, it } from 'vitest';
import { HelperLineParser, classifyRuntimeFailure, diagnoseNoVerdict } from './helper-protocol';

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

describe('runtime failures, classified in TypeScript', () => {
  it('turns the runtime\'s last words into a code and advice', () => {
    const p = new HelperLineParser();
    p.line('{"error":{"code":"runtime-failed","message":"podman checkpoint","detail":"Error: no such container abc"},"v":"1.1.0"}');
    expect(p.outcome).toMatchObject({ kind: 'error', error: { code: 'not-found', message: 'podman checkpoint: the container no longer exists.', detail: 'Error: no such container abc' } });
    expect(classifyRuntimeFailure('podman checkpoint', 'Error: configured runtime does not support checkpoint/restore').code).toBe('runtime-cannot-checkpoint');
    expect(classifyRuntimeFailure('podman checkpoint', 'CRIU binary not found\nis CRIU installed? not\ninstalled').code).toBe('runtime-cannot-checkpoint');
    expect(classifyRuntimeFailure('podman checkpoint', 'criu: missing features: mem_dirty_track').code).toBe('not-supported');
    const other = classifyRuntimeFailure('criu restore', 'Error (criu/cr-restore.c:1): something');
    expect(other).toMatchObject({ code: 'operation-failed', message: "criu restore failed. See the detail for the runtime's last words." });
  });
});
