/**
 * vma_entry.status: CRIU's VMA_* status bits (criu/include/image.h), named. Bits 28-30 are CRIU's own bookkeeping
 * while it dumps or restores (close, no-prot-write, pre-mmapped) and say nothing about the mapping; bit 0 only says
 * CRIU handles the mapping, so neither is part of a kind. Bit 31 (unsupported) is shown: such a mapping cannot be restored.
 */
export const VMA_STATUS_BITS: ReadonlyArray<readonly [bit: number, name: string]> = [
  [1 << 1, 'stack'],
  [1 << 2, 'vsyscall'],
  [1 << 3, 'vdso'],
  [1 << 5, 'heap'],
  [1 << 6, 'file-private'],
  [1 << 7, 'file-shared'],
  [1 << 8, 'anon-shared'],
  [1 << 9, 'anon-private'],
  [1 << 10, 'sysv-shm'],
  [1 << 11, 'socket'],
  [1 << 12, 'vvar'],
  [1 << 13, 'aio'],
  [1 << 14, 'memfd'],
  [1 << 15, 'shadow-stack'],
  [1 << 27, 'plugin'],
  [2 ** 31, 'unsupported'],
];

export const VMA_FILE_PRIVATE = 1 << 6;
export const VMA_FILE_SHARED = 1 << 7;
export const VMA_AREA_MEMFD = 1 << 14;

/** A mapping's kind: the names of its status bits, comma-separated, in bit order ("anon" when none is set). */
export function vmaKind(status: number): string {
  const s = status >>> 0;
  // A checkpoint has tens of thousands of VMAs and a handful of distinct statuses: each is named once.
  let kind = kinds.get(s);
  if (kind === undefined) {
    kind = VMA_STATUS_BITS.filter(([bit]) => (s & bit) >>> 0 === bit).map(([, name]) => name).join(',') || 'anon';
    if (kinds.size < 1024) kinds.set(s, kind);
  }
  return kind;
}

const kinds = new Map<number, string>();

/** Whether the mapping's shmid names a file (a regular file, or a memfd) in files.img. */
export function mapsFile(status: number): boolean {
  return ((status >>> 0) & (VMA_FILE_PRIVATE | VMA_FILE_SHARED | VMA_AREA_MEMFD)) !== 0;
}
