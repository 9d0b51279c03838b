import { describe, expect, it } from 'vitest';
import type { DestFacts, SourceFacts } from './preflight';
import { chooseWireCompression } from './wire-compression';

const common = { criu: '4.1.1', podman: '4.3.1', ociRuntime: 'runc', criuCheck: true, kernel: '6.18.44', lazyPages: true, dirtyTracking: false, pipeMaxSize: 4194304, diskFree: 80e9, zstd: true };
const MiB = 1024 * 1024;
// Samples as the helper measured them here: memhog's random pages (3.9 MiB → 99.7%) and an idle shell (0.7 MiB → 0.4%).
const random = { sampleBytes: 3944448, sampleZstdBytes: 3933524, sampleZstdUs: 18135 };
const text = { sampleBytes: 4 * MiB, sampleZstdBytes: 1 * MiB, sampleZstdUs: 10_000 };
const src = (s: Partial<SourceFacts>): SourceFacts => ({
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
  rss: 256 * MiB,
  cpuinfo: 'AAAA',
  ...s,
});
const dst: DestFacts = { ...common, imageId: 'b'.repeat(64), nameTaken: false, cpuCompatible: true };

describe('compression on the wire', () => {
  it('sends random memory as it is, without measuring the link', () => {
    const c = chooseWireCompression(src(random), dst, null);
    expect(c).toMatchObject({ codec: 'none', needsLinkRate: false });
    expect(c.detail).toContain('compresses only to 100%');
  });

  it('asks for the link rate when the sample compresses well', () => {
    expect(chooseWireCompression(src(text), dst, null)).toMatchObject({ codec: 'none', needsLinkRate: true });
  });

  it('compresses on a link slower than zstd, and says by how much', () => {
    // zstd ~420 MB/s, a quarter of the bytes, a 50 MB/s link: 4× less time on the wire.
    const c = chooseWireCompression(src(text), dst, 50e6);
    expect(c.codec).toBe('zstd');
    expect(c.detail).toMatch(/compresses to 25%.*about 4\.0× less time/);
  });

  it('sends as is when the link outruns zstd', () => {
    // zstd ~420 MB/s against a 1 GB/s link: compressing would be slower.
    const c = chooseWireCompression(src(text), dst, 1e9);
    expect(c.codec).toBe('none');
    expect(c.detail).toContain('would gain nothing');
  });

  it('never compresses without zstd on both hosts or without a sample', () => {
    expect(chooseWireCompression(src({ ...text, zstd: false }), dst, 10e6).detail).toContain('not installed on the source');
    expect(chooseWireCompression(src(text), { ...dst, zstd: false }, 10e6).detail).toContain('not installed on the destination');
    expect(chooseWireCompression(src({ sampleBytes: 0, sampleZstdBytes: 0, sampleZstdUs: 0 }), dst, 10e6).codec).toBe('none');
  });
});
