import { z } from 'zod';
import type { InspectReport } from '../inspect/report';

/**
 * The runtime schema of the reader's report (shared/inspect/report.ts), so a report crosses the API boundary
 * validated like every other reply. The type check at the bottom keeps the two from drifting apart.
 */
export const HolderSchema = z.object({ pid: z.number(), fd: z.number() });
const ListedFile = z.object({ path: z.string(), type: z.string(), size: z.number() });

export const FdViewSchema = z.object({
  fd: z.number(),
  type: z.string(),
  path: z.string().optional(),
  description: z.string(),
  unlinked: z.boolean().optional(),
});

export const VmaViewSchema = z.object({
  start: z.string(),
  end: z.string(),
  sizeBytes: z.number(),
  rssBytes: z.number(),
  prot: z.string(),
  kind: z.string(),
  path: z.string().optional(),
  unlinked: z.boolean().optional(),
});

const TaskStrings = { value: z.string(), interval: z.string() };
export const RlimitViewSchema = z.object({ resource: z.string(), soft: z.string(), hard: z.string() });
export const TimersViewSchema = z.object({
  itimers: z.array(z.object({ which: z.enum(['real', 'virtual', 'prof']), ...TaskStrings })),
  posix: z.array(
    z.object({ id: z.number(), clock: z.string(), signal: z.number(), notify: z.string(), ...TaskStrings, overrun: z.number(), thread: z.number().optional() }),
  ),
});
export const SeccompFilterViewSchema = z.object({ index: z.number(), instructions: z.number(), flags: z.number() });
export const PendingSignalViewSchema = z.object({ signal: z.number(), thread: z.number().optional() });
export const FileLockViewSchema = z.object({
  pid: z.number(),
  fd: z.number(),
  kind: z.enum(['posix', 'flock', 'ofd', 'lease', 'unknown']),
  type: z.string(),
  start: z.number(),
  length: z.number(),
});
export const IpcObjectViewSchema = z.object({
  namespace: z.number(),
  kind: z.enum(['shm', 'sem', 'msg']),
  id: z.number(),
  key: z.string(),
  uid: z.number(),
  gid: z.number(),
  mode: z.string(),
  sizeBytes: z.number().optional(),
  semaphores: z.number().optional(),
  messages: z.number().optional(),
  maxBytes: z.number().optional(),
});
export const InFlightFileViewSchema = z.object({ id: z.number(), type: z.string(), path: z.string().optional(), description: z.string(), unlinked: z.boolean().optional() });
export const UnlinkedFileViewSchema = z.object({
  path: z.string(),
  kind: z.enum(['file', 'fifo', 'directory', 'unix-socket']),
  holders: z.array(HolderSchema),
  mappedBy: z.array(z.number()).optional(),
  cwdOf: z.array(z.number()).optional(),
});

const ProcessView = z.object({
  pid: z.number(),
  ppid: z.number(),
  pgid: z.number(),
  sid: z.number(),
  comm: z.string(),
  threads: z.array(z.number()),
  state: z.enum(['alive', 'zombie', 'stopped', 'dead']),
  exitCode: z.number().optional(),
  exitSignal: z.number().optional(),
  cmdline: z.array(z.string()),
  environ: z.array(z.string()).optional(),
  cwd: z.string().optional(),
  root: z.string().optional(),
  exe: z.string().optional(),
  uid: z.number().optional(),
  gid: z.number().optional(),
  seccomp: z.string().optional(),
  seccompFilters: z.array(SeccompFilterViewSchema).optional(),
  personality: z.number().optional(),
  namespaces: z.record(z.string(), z.number()),
  rlimits: z.array(RlimitViewSchema).optional(),
  timers: TimersViewSchema.optional(),
  pendingSignals: z.array(PendingSignalViewSchema).optional(),
  fds: z.array(FdViewSchema),
  memory: z.object({ vmas: z.number(), sizeBytes: z.number(), rssBytes: z.number(), map: z.array(VmaViewSchema) }),
});

export const SocketViewSchema = z.object({
  id: z.number(),
  kind: z.enum(['unix', 'inet', 'inet6', 'netlink', 'packet']),
  type: z.string(),
  state: z.string(),
  local: z.string().optional(),
  remote: z.string().optional(),
  ino: z.number().optional(),
  peer: z.object({ ino: z.number(), holders: z.array(HolderSchema) }).optional(),
  holders: z.array(HolderSchema),
  queuedBytes: z.number().optional(),
  deleted: z.boolean().optional(),
  inFlight: z.array(InFlightFileViewSchema).optional(),
});

const MountView = z.object({
  id: z.number(),
  parent: z.number(),
  mountpoint: z.string(),
  fstype: z.string(),
  source: z.string(),
  root: z.string(),
  options: z.string(),
});

const ContainerView = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  image: z.string().optional(),
  imageId: z.string().optional(),
  command: z.array(z.string()).optional(),
  created: z.string().optional(),
  checkpointed: z.string().optional(),
  runtime: z.string().optional(),
  criuVersion: z.string().optional(),
  engine: z.string().optional(),
  network: z.unknown().optional(),
  rootfsChanges: z.object({ added: z.array(ListedFile), deleted: z.array(z.string()) }).optional(),
  devshm: z.array(ListedFile).optional(),
});

export const InspectReportSchema = z.object({
  source: z.object({ path: z.string(), format: z.string(), layout: z.string(), imageVersion: z.number().optional() }),
  processes: z.array(ProcessView),
  sockets: z.array(SocketViewSchema),
  mounts: z.array(MountView),
  stats: z.record(z.string(), z.number()).nullable(),
  container: ContainerView.nullable(),
  unlinkedFiles: z.array(UnlinkedFileViewSchema),
  fileLocks: z.array(FileLockViewSchema),
  ipc: z.array(IpcObjectViewSchema),
  undecoded: z.array(
    z.object({
      file: z.string(),
      reason: z.string(),
      size: z.number().optional(),
      message: z.string().optional(),
      fields: z.array(z.number()).optional(),
    }),
  ),
});
export type InspectReportData = z.infer<typeof InspectReportSchema>;

// Compile-time: every report the reader builds is a valid reply, and the renderer's view of it is complete.
type Extends<T extends U, U> = T;
export type ReportFitsSchema = Extends<InspectReport, z.input<typeof InspectReportSchema>>;
