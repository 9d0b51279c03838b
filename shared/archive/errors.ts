import { StasisError } from '../api/stasis-error';

/** Bad checkpoint input: a truncated, corrupt, hostile or oversized archive or image. */
export class CorruptImageError extends StasisError {
  constructor(message: string, detail?: string) {
    super('corrupt-image', message, detail);
    this.name = 'CorruptImageError';
  }
}

/**
 * Caps the caller sets on what one read may cost. Every buffer the reader allocates is bounded by one of these,
 * so a hostile archive can cost at most about maxImageBytes + maxMetadataBytes of memory and maxTotalBytes of work.
 */
export interface ReaderLimits {
  /** Largest single protobuf entry (CRIU's own entries are a few KiB; the biggest are mm with many VMAs). */
  maxEntryBytes: number;
  /** Largest image file (other than pages-*.img, which is never held) that is read into memory. */
  maxImageBytes: number;
  /** Sum of all image and metadata bytes held at once. */
  maxMetadataBytes: number;
  /** Decompressed bytes the reader will walk through before giving up (the decompression-bomb cap). */
  maxTotalBytes: number;
  /** Archive members (including nested rootfs-diff.tar members) before giving up. */
  maxFiles: number;
  /** Longest member path (GNU long names and pax paths included). */
  maxPathBytes: number;
  /** Page bytes a memory view may hold (captured from a stream when the source cannot seek). */
  maxCaptureBytes: number;
  /**
   * Pages files held whole when they come before their pagemap in a stream that cannot be read twice (a host's
   * stream): the plans that say which of their ranges matter are made once the images after them are known.
   */
  maxSpillBytes: number;
}

export const DEFAULT_LIMITS: ReaderLimits = {
  maxEntryBytes: 64 * 1024 * 1024,
  maxImageBytes: 256 * 1024 * 1024,
  maxMetadataBytes: 1024 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024 * 1024,
  maxFiles: 1_000_000,
  maxPathBytes: 64 * 1024,
  maxCaptureBytes: 1024 * 1024 * 1024,
  maxSpillBytes: 64 * 1024 * 1024,
};

export function withLimits(partial?: Partial<ReaderLimits>): ReaderLimits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) };
}
