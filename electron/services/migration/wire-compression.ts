import type { PreflightCheck } from '../../../shared/domain/migration';
import type { CommandRunner } from '../command-runner';
import type { DestFacts, SourceFacts } from './preflight';

export type WireCodec = 'none' | 'zstd';

export interface WireChoice {
  codec: WireCodec;
  /** One sentence for the checklist, the progress and the result. */
  detail: string;
  /** The sample says compression could pay: the link's rate decides (measured when the move starts). */
  needsLinkRate: boolean;
}

const MiB = 1024 * 1024;
const mib = (b: number) => `${(b / MiB).toFixed(1)} MiB`;
const mbps = (b: number) => `${Math.round(b / 1e6)} MB/s`;
/** Above this, a sample counts as random-looking (encrypted, already compressed, random test data). */
const MAX_RATIO = 0.8;
/** Compressed must win clearly: it costs CPU on both hosts, which on a small machine the relay also needs. */
const MIN_GAIN = 1.25;

/**
 * Whether the archive crosses the wire as zstd -1 (-T0) or as it is, from how well a sample of the container's
 * memory compressed on the source (most of an archive is its pages) and the link's measured rate. Pipelined, the
 * wire takes max(size / zstd rate, size × ratio / link rate) compressed against size / link rate plain. The store
 * and the checksum always hold the plain archive.
 */
export function chooseWireCompression(src: SourceFacts, dst: DestFacts, linkBytesPerSec: number | null): WireChoice {
  const none = (detail: string, needsLinkRate = false): WireChoice => ({ codec: 'none', detail, needsLinkRate });
  if (!src.zstd || !dst.zstd) return none(`Sent as is: zstd is not installed on ${!src.zstd ? 'the source' : 'the destination'}.`);
  const raw = src.sampleBytes ?? 0;
  const packed = src.sampleZstdBytes ?? 0;
  if (raw < 64 * 1024 || packed <= 0) return none('Sent as is: no sample of the memory to judge compression by.');
  const ratio = packed / raw;
  const pct = `${Math.round(ratio * 100)}%`;
  if (ratio > MAX_RATIO) return none(`Sent as is: a ${mib(raw)} sample of the memory compresses only to ${pct} with zstd -1 (random-looking data).`);
  const zstdRate = raw / (Math.max(src.sampleZstdUs ?? 0, 1) / 1e6);
  if (linkBytesPerSec === null) {
    return none(`A ${mib(raw)} sample of the memory compresses to ${pct} (zstd -1 at about ${mbps(zstdRate)}): zstd goes on the wire if the link is slow enough, measured when the move starts.`, true);
  }
  const plain = 1 / linkBytesPerSec;
  const packedTime = Math.max(1 / zstdRate, ratio / linkBytesPerSec);
  const gain = plain / packedTime;
  const facts = `a ${mib(raw)} sample of the memory compresses to ${pct}, zstd -1 runs at about ${mbps(zstdRate)} and the link carries about ${mbps(linkBytesPerSec)}`;
  return gain >= MIN_GAIN
    ? { codec: 'zstd', detail: `zstd -1 on the wire: ${facts}, so about ${gain.toFixed(1)}× less time on the wire.`, needsLinkRate: false }
    : none(`Sent as is: ${facts}; compressing would gain ${gain < 1 ? 'nothing' : `only ${gain.toFixed(2)}×`}.`);
}

export function compressionCheck(choice: WireChoice): PreflightCheck {
  return { id: 'compression', label: `Compression on the wire: ${choice.codec}`, verdict: 'ok', detail: choice.detail };
}

/**
 * The rate of the path the archive takes (source → this process → destination), measured with `bytes` zeros (SSH
 * here does not compress): `head -c` on the source, `wc -c` on the destination, as the login user, before anything
 * stops. Null when it could not be measured.
 */
export async function measureLink(src: CommandRunner, dst: CommandRunner, bytes = 8 * MiB): Promise<number | null> {
  if (!src.stream) return null;
  try {
    const out = await src.stream(['head', '-c', String(bytes), '/dev/zero'], { timeoutMs: 60_000 });
    // Timed from the first chunk: starting the two commands costs round trips that are not the link's rate.
    let first: { at: number; size: number } | undefined;
    async function* timed(): AsyncGenerator<Uint8Array> {
      for await (const chunk of out.stdout) {
        first ??= { at: performance.now(), size: chunk.length };
        yield chunk;
      }
    }
    const r = await dst.run(['wc', '-c'], { stdin: timed(), timeoutMs: 60_000 });
    const seconds = first ? (performance.now() - first.at) / 1000 : 0;
    if (r.code !== 0 || Number(r.stdout.trim()) !== bytes || !first || seconds <= 0) return null;
    return (bytes - first.size) / seconds;
  } catch {
    return null;
  }
}
