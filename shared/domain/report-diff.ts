import { z } from 'zod';
import type { ReportDiff } from '../inspect/diff';
import { FdViewSchema, SocketViewSchema, VmaViewSchema } from './inspect-report';

/** The runtime schema of a diff of two checkpoints (shared/inspect/diff.ts), kept in step with it below. */
const ProcessBrief = z.object({
  pid: z.number(),
  ppid: z.number(),
  comm: z.string(),
  cmdline: z.array(z.string()),
  state: z.string(),
  threads: z.number(),
  fds: z.number(),
  rssBytes: z.number(),
});

const MemoryTotals = {
  rssBefore: z.number(),
  rssAfter: z.number(),
  rssDelta: z.number(),
  sizeBefore: z.number(),
  sizeAfter: z.number(),
  sizeDelta: z.number(),
  vmasBefore: z.number(),
  vmasAfter: z.number(),
};

const ProcessDiff = z.object({
  pid: z.number(),
  comm: z.string(),
  changes: z.array(
    z.object({
      field: z.enum(['comm', 'cmdline', 'state', 'threads', 'ppid', 'pgid', 'sid', 'cwd', 'root', 'exe']),
      before: z.unknown(),
      after: z.unknown(),
    }),
  ),
  fds: z.object({
    added: z.array(FdViewSchema),
    removed: z.array(FdViewSchema),
    changed: z.array(z.object({ fd: z.number(), before: FdViewSchema, after: FdViewSchema })),
  }),
  memory: z.object({
    ...MemoryTotals,
    vmas: z.object({
      added: z.array(VmaViewSchema),
      removed: z.array(VmaViewSchema),
      changed: z.array(z.object({ start: z.string(), before: VmaViewSchema, after: VmaViewSchema })),
    }),
  }),
});

export const ReportDiffSchema = z.object({
  a: z.object({ path: z.string() }),
  b: z.object({ path: z.string() }),
  processes: z.object({ added: z.array(ProcessBrief), removed: z.array(ProcessBrief), changed: z.array(ProcessDiff) }),
  sockets: z.object({ added: z.array(SocketViewSchema), removed: z.array(SocketViewSchema) }),
  memory: z.array(z.object({ pid: z.number(), comm: z.string(), ...MemoryTotals })),
  same: z.boolean(),
  identical: z.enum(['same-file', 'same-content']).nullable(),
  warnings: z.array(z.string()),
});
export type ReportDiffData = z.infer<typeof ReportDiffSchema>;

type Extends<T extends U, U> = T;
export type DiffFitsSchema = Extends<ReportDiff, z.input<typeof ReportDiffSchema>>;
