import { describe, expect, it } from 'vitest';
import { DestFacts, SourceFacts, buildChecks } from './preflight';

// The destination's helper restores a received checkpoint for a caller who is not root only when its
// /etc/stasis/helper.conf allows them (helper 1.1.1, received-restore.system.test.ts): the preflight says so before
// the freeze, with the line to add. Facts as `migrate-check` answers them on this machine.
const common = { criu: '4.1.1', podman: '4.3.1', ociRuntime: 'runc', criuCheck: true, kernel: '6.1.0', lazyPages: true, dirtyTracking: false, pipeMaxSize: 1048576, diskFree: 10 * 1024 ** 3 };
const src = SourceFacts.parse({
  ...common,
  id: 'a'.repeat(64),
  name: 'web',
  state: 'running',
  image: 'localhost/stasis-busybox:latest',
  imageId: 'b'.repeat(64),
  network: 'none',
  tcpEstablished: 0,
  tcpListening: 0,
  udp: 0,
  rss: 1 << 20,
  cpuinfo: '',
});
const dest = (extra: object) => DestFacts.parse({ ...common, imageId: 'b'.repeat(64), nameTaken: false, cpuCompatible: true, ...extra });
const check = (dst: DestFacts) => buildChecks({ source: 'a', dest: 'b-op', destName: 'web', src, dst, copyImage: false }).find((c) => c.id === 'received-restore');

describe('preflight: may the destination restore what it receives', () => {
  it('fails, with the helper.conf line for that user, when the destination helper refuses', () => {
    const c = check(dest({ receivedRestore: false, caller: 'stasisop' }));
    expect(c).toMatchObject({ verdict: 'fail' });
    expect(c!.fix).toContain('"allow-received-restore stasisop" to /etc/stasis/helper.conf');
    expect(c!.detail).toContain('can grant root');
  });
  it('passes when it allows, and for a helper that does not say', () => {
    expect(check(dest({ receivedRestore: true, caller: 'root' }))?.verdict).toBe('ok');
    expect(check(dest({}))?.verdict).toBe('ok');
  });
});
