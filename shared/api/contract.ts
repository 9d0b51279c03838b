/**
 * The whole main↔renderer surface. Electron IPC and browser mode's WebSocket both carry exactly this;
 * channel names come from the keys here (`group.name`, `event.name`).
 */
import { z } from 'zod';
import { event, request, requestChannels, type ClientOf, type HandlersOf } from './define';
import { HostCapabilities, HostSummary, SshConfigHost } from '../domain/host';
import { ContainerList, ContainerRef, Runtime } from '../domain/container';
import {
  Checkpoint,
  CheckpointDetail,
  CheckpointId,
  CheckpointOptions,
  OperationId,
  OperationProgress,
  RestoreOptions,
  RestoreResult,
} from '../domain/checkpoint';
import { InspectReportSchema } from '../domain/inspect-report';
import { ReportDiffSchema } from '../domain/report-diff';
import { HostId, HostKeyInfo, HostTestResult, ManualHost, SecretKind, SetUpResult } from '../domain/ssh-host';

const Empty = z.object({}).strict();
const OnHost = z.object({ hostId: z.string().min(1).max(256) }).strict();
const AnyHost = z.object({ hostId: z.string().min(1).max(256).optional() }).strict();
const OnCheckpoint = z.object({ hostId: z.string().min(1).max(256), checkpointId: CheckpointId }).strict();

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const requests = {
  app: {
    info: request(Empty, AppInfo),
  },
  hosts: {
    list: request(Empty, z.array(HostSummary)),
    probe: request(z.object({ hostId: z.string().min(1).max(256) }).strict(), HostCapabilities),
    sshConfig: request(Empty, z.array(SshConfigHost)),
    /** Adds a host by hand (persisted without secrets). */
    add: request(ManualHost, HostSummary),
    /** Forgets a host added by hand, or hides one imported from the ssh config. */
    remove: request(z.object({ hostId: HostId }).strict(), z.object({ removed: z.boolean() })),
    /** Connects, checks the helper (present, version) and reports the round trip. */
    test: request(OnHost, HostTestResult),
    /** "Set up this host": installs the shipped helper, and on request a sudoers drop-in for it. */
    setUp: request(z.object({ hostId: z.string().min(1).max(256), sudoers: z.boolean().default(false) }).strict(), SetUpResult),
    /** Trusts the key shown in a `host-key-unknown` error; the fingerprint must match what the host presents. */
    acceptKey: request(z.object({ hostId: z.string().min(1).max(256), fingerprint: z.string().min(8).max(128) }).strict(), HostKeyInfo),
    /** A password or key passphrase for this session only; kept in memory, never written to disk. */
    provideSecret: request(
      z.object({ hostId: z.string().min(1).max(256), kind: SecretKind, secret: z.string().min(1).max(4096) }).strict(),
      z.object({ ok: z.boolean() }),
    ),
  },
  containers: {
    /** Every host in parallel (one helper call per host) unless one is named; unreachable hosts land in `errors`. */
    list: request(AnyHost, ContainerList),
  },
  checkpoints: {
    create: request(
      z.object({
        hostId: z.string().min(1).max(256),
        runtime: Runtime.default('podman'),
        container: ContainerRef,
        options: CheckpointOptions.default({}),
        operationId: OperationId.optional(),
      }).strict(),
      Checkpoint,
    ),
    restore: request(
      z.object({
        hostId: z.string().min(1).max(256),
        checkpointId: CheckpointId,
        options: RestoreOptions.default({}),
        operationId: OperationId.optional(),
      }).strict(),
      RestoreResult,
    ),
    list: request(AnyHost, z.object({ checkpoints: z.array(Checkpoint), errors: ContainerList.shape.errors })),
    delete: request(OnCheckpoint, z.object({ deleted: z.string() })),
    inspect: request(OnCheckpoint, CheckpointDetail),
    /** What a stored checkpoint holds (processes, fds, sockets, memory map…), read from its images without its pages. */
    report: request(OnCheckpoint, InspectReportSchema),
    /** What changed from one stored checkpoint to a later one on the same host. */
    diff: request(
      z.object({ hostId: z.string().min(1).max(256), before: CheckpointId, after: CheckpointId }).strict(),
      ReportDiffSchema,
    ),
    cancel: request(z.object({ operationId: OperationId }).strict(), z.object({ cancelled: z.boolean() })),
  },
  images: {
    /** Opens a checkpoint archive (.tar, .tar.gz, .tar.zst) or image directory on the machine Stasis runs on. */
    inspectFile: request(z.object({ path: z.string().min(1).max(4096) }).strict(), InspectReportSchema),
    /** What changed from checkpoint `a` (the older) to `b`: processes, fds, sockets, memory growth. */
    diffFiles: request(z.object({ a: z.string().min(1).max(4096), b: z.string().min(1).max(4096) }).strict(), ReportDiffSchema),
  },
} as const;

export const HostStatusEvent = z.object({ host: HostSummary });

export const events = {
  hostChanged: event(HostStatusEvent),
  /** Phase, bytes so far and elapsed time of a running checkpoint or restore. */
  operationProgress: event(OperationProgress),
} as const;

export type Requests = typeof requests;
export type Events = typeof events;
export type StasisClient = ClientOf<Requests>;
export type StasisHandlers<Ctx> = HandlersOf<Requests, Ctx>;
export type RequestChannelName = `${keyof Requests & string}.${string}`;

export const REQUEST_CHANNELS = requestChannels(requests);
export const EVENT_NAMES = Object.keys(events).sort() as (keyof Events & string)[];
