import type { ReaderLimits } from '../shared/archive/errors';
import { decodeImage, decodeReference, type DecodedImage } from '../shared/criu/image';
import { decodePlain } from '../shared/criu/plain-decode';
import { unknownFieldsOf } from '../shared/criu/schemas';

// The differential check of the plain decoder (shared/criu/plain-decode.ts) against protobufjs, the reference: one
// image decoded both ways must give the same entries, key order, value types, bytes' classes and unknown-field notes
// included, or fail both ways.

/** A value as text that tells apart everything the two decoders could differ in (JSON would merge some). */
export function canonical(v: unknown): string {
  if (v instanceof Uint8Array) return `${v.constructor.name}<${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('')}>`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const unknown = unknownFieldsOf(v);
    const body = Object.keys(v).map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',');
    return `{${body}}${unknown ? `unknown${JSON.stringify(unknown)}` : ''}`;
  }
  return `${typeof v}:${String(v)}`;
}

function attempt(decode: () => DecodedImage): { image?: DecodedImage; error?: string } {
  try {
    return { image: decode() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** What differs between the two decodings of one image (empty when they agree); records counts what was compared. */
export function diffDecoders(file: string, bytes: Uint8Array, limits: ReaderLimits): { problems: string[]; records: number } {
  const plain = attempt(() => decodeImage(file, bytes, limits, bytes.length, decodePlain));
  const reference = attempt(() => decodeImage(file, bytes, limits, bytes.length, decodeReference));
  if (plain.error !== undefined || reference.error !== undefined) {
    // Both must refuse it; the messages may word protobufjs's error differently.
    if (plain.error !== undefined && reference.error !== undefined) return { problems: [], records: 0 };
    return { problems: [`${file}: plain ${plain.error ?? 'decoded'}, reference ${reference.error ?? 'decoded'}`], records: 0 };
  }
  const a = plain.image!;
  const b = reference.image!;
  const problems: string[] = [];
  if (a.kind !== b.kind || a.extraBytes !== b.extraBytes || a.undecoded !== b.undecoded || a.entries.length !== b.entries.length) {
    problems.push(`${file}: image differs (${a.kind}/${b.kind}, ${a.entries.length}/${b.entries.length} entries, extra ${a.extraBytes}/${b.extraBytes})`);
  }
  for (let i = 0; i < Math.min(a.entries.length, b.entries.length); i++) {
    const x = canonical(a.entries[i]);
    const y = canonical(b.entries[i]);
    if (x !== y) problems.push(`${file} entry ${i}:\n  plain     ${x.slice(0, 2000)}\n  reference ${y.slice(0, 2000)}`);
  }
  return { problems, records: a.entries.length };
}
