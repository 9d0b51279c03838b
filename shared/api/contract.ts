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
import { InspectReportSchema, SocketViewSchema, VmaViewSchema } from '../domain/inspect-report';
import { ProcessPartsSchema, ReportSummarySchema } from '../domain/report-parts';
import { ReportDiffSchema } from '../domain/report-diff';
import { HostProcess, ProcessCheck } from '../domain/processes';
import { HostId, HostKeyInfo, HostTestResult, ManualHost, SecretKind, SetUpResult } from '../domain/ssh-host';
import { MEM_LIMITS } from '../inspect/memory-search';
import { InterruptedMigration, MigrateInput, MigrationPlan, MigrationProgress, MigrationResult, RecoveryResult } from '../domain/migration';

const Empty = z.object({}).strict();
const OnHost = z.object({ hostId: z.string().min(1).max(256) }).strict();
const AnyHost = z.object({ hostId: z.string().min(1).max(256).optional() }).strict();
const OnCheckpoint = z.object({ hostId: z.string().min(1).max(256), checkpointId: CheckpointId }).strict();

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
  /** The ssh config file Stasis reads its hosts from. */
  sshConfigPath: z.string().optional(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** What memory requests read: a checkpoint file on this machine, or a checkpoint in a host's store. */
export const MemSource = z.union([
  z.object({ path: z.string().min(1).max(4096) }).strict(),
  z.object({ hostId: z.string().min(1).max(256), checkpointId: CheckpointId }).strict(),
]);
export type MemSource = z.infer<typeof MemSource>;

/** The image browser asks for less than the CLI may: every match's context crosses the transport as hex. */
export const MEM_UI_LIMITS = {
  maxMatches: Math.min(1000, MEM_LIMITS.maxMatches),
  maxContext: Math.min(256, MEM_LIMITS.maxContext),
  maxDumpBytes: Math.min(64 * 1024, MEM_LIMITS.maxDumpBytes),
} as const;

const Pid = z.number().int().min(1).max(4_194_304);
/** A user-space address in hex ("0x7f…" or bare digits); 15 digits cover the 57-bit address space. */
const HexAddress = z.string().regex(/^(0x)?[0-9a-fA-F]{1,15}$/, 'an address is hex digits, e.g. 0x7f3a1c000000');

export const MemQuerySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(MEM_LIMITS.maxPatternBytes) }).strict(),
  z.object({ kind: z.literal('regex'), source: z.string().min(1).max(MEM_LIMITS.maxPatternBytes) }).strict(),
  // Room for separators: "de ad be ef" and "de:ad:be:ef" are three characters a byte.
  z.object({ kind: z.literal('hex'), hex: z.string().min(1).max(MEM_LIMITS.maxPatternBytes * 3 + 2) }).strict(),
]);
export type MemQueryInput = z.infer<typeof MemQuerySchema>;

const Bytes = (maxBytes: number) => z.object({ hex: z.string().max(maxBytes * 2), text: z.string().max(maxBytes) });

export const MemMatchSchema = z.object({
  address: z.string(),
  length: z.number(),
  vma: VmaViewSchema.extend({ label: z.string(), offset: z.string() }).nullable(),
  match: Bytes(256),
  context: Bytes(256 + 2 * MEM_UI_LIMITS.maxContext).extend({ address: z.string() }),
});
export type MemMatchData = z.infer<typeof MemMatchSchema>;

export const MemSearchResult = z.object({
  pid: z.number(),
  matches: z.array(MemMatchSchema).max(MEM_UI_LIMITS.maxMatches),
  searchedBytes: z.number(),
  /** The `max` cap was reached: there may be more matches. */
  truncated: z.boolean(),
});
export type MemSearchResult = z.infer<typeof MemSearchResult>;

export const MemDumpPiece = z.union([
  z.object({ address: z.string(), hex: z.string().max(MEM_UI_LIMITS.maxDumpBytes * 2) }),
  z.object({ address: z.string(), missing: z.number(), reason: z.string() }),
]);
export type MemDumpPiece = z.infer<typeof MemDumpPiece>;

export const MemDumpResult = z.object({
  pid: z.number(),
  address: z.string(),
  length: z.number(),
  pieces: z.array(MemDumpPiece).max(MEM_UI_LIMITS.maxDumpBytes),
  /** The mappings the range touches, for labelling the rows. */
  vmas: z.array(z.object({ start: z.string(), end: z.string(), label: z.string() })).max(MEM_UI_LIMITS.maxDumpBytes / 4096 + 2),
});
export type MemDumpResult = z.infer<typeof MemDumpResult>;

export const requests = {
  app: {
    info: request(Empty, AppInfo),
    /** Electron: a native file picker for a checkpoint archive; `path` null when cancelled. Browser mode: not-supported (upload instead). */
    pickFile: request(Empty, z.object({ path: z.string().min(1).max(4096).nullable() }).strict()),
    /**
     * A system notification from the main side (a long job ended). Electron shows it with its own Notification (the
     * window's permission requests all stay denied); `shown` false (browser mode, unsupported, window focused) tells
     * the renderer to fall back to the Web Notifications API.
     */
    notify: request(z.object({ title: z.string().min(1).max(200), body: z.string().max(1000) }).strict(), z.object({ shown: z.boolean() }).strict()),
  },
  hosts: {
    list: request(Empty, z.array(HostSummary)),
    probe: request(z.object({ hostId: z.string().min(1).max(256) }).strict(), HostCapabilities),
    sshConfig: request(Empty, z.array(SshConfigHost)),
    /** Adds a host by hand (persisted without secrets), after trying it: an address that cannot be reached is refused. */
    add: request(ManualHost, HostSummary),
    /** Changes a host added by hand (tried first, like add). */
    update: request(ManualHost, HostSummary),
    /** The processes running on a host (ps, no root needed), for picking a process tree to checkpoint. */
    processes: request(OnHost, z.array(HostProcess).max(20_000)),
    /** Forgets a host added by hand, or hides one imported from the ssh config. */
    remove: request(z.object({ hostId: HostId }).strict(), z.object({ removed: z.boolean() })),
    /** Connects, checks the helper (present, version) and reports the round trip. */
    test: request(OnHost, HostTestResult),
    /** "Set up this host": installs the shipped helper, and on request a sudoers drop-in for it. */
    setUp: request(z.object({ hostId: z.string().min(1).max(256), sudoers: z.boolean().default(false) }).strict(), SetUpResult),
    /** Trusts the key shown in a `host-key-unknown` error; the fingerprint must match what the host presents. */
    acceptKey: request(z.object({ hostId: z.string().min(1).max(256), fingerprint: z.string().min(8).max(128) }).strict(), HostKeyInfo),
    /**
     * A password or key passphrase. Kept in memory for this session; never written in clear. Only with `remember`,
     * and only in the desktop app with an OS keyring, is it also stored on disk encrypted with the keyring's key;
     * `remembered` says whether that happened.
     */
    provideSecret: request(
      z.object({ hostId: z.string().min(1).max(256), kind: SecretKind, secret: z.string().min(1).max(4096), remember: z.boolean().optional() }).strict(),
      z.object({ ok: z.boolean(), remembered: z.boolean() }),
    ),
  },
  containers: {
    /** Every host in parallel (one helper call per host) unless one is named; unreachable hosts land in `errors`. */
    list: request(AnyHost, ContainerList),
    /** The container's processes and those a checkpoint would leave out (started with exec, outside the init's tree). */
    processes: request(
      z.object({ hostId: z.string().min(1).max(256), runtime: z.enum(['podman', 'docker']), container: ContainerRef }).strict(),
      ProcessCheck,
    ),
    /** Stop, start or remove (stopped first; the UI confirms) a podman or Docker container, through the host's helper. */
    act: request(
      z.object({
        hostId: z.string().min(1).max(256),
        runtime: z.enum(['podman', 'docker']),
        container: ContainerRef,
        action: z.enum(['stop', 'start', 'remove']),
      }).strict(),
      z.object({ ok: z.boolean() }),
    ),
  },
  checkpoints: {
    create: request(
      z.object({
        hostId: z.string().min(1).max(256),
        runtime: Runtime.default('podman'),
        container: ContainerRef,
        options: CheckpointOptions.default({}),
        operationId: OperationId.optional(),
        /** Checkpoint even though processes started with exec would be left out (refused with `lost-processes` otherwise). */
        allowLostProcesses: z.boolean().optional(),
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
    /** What changed from one stored checkpoint to a later one (on `afterHostId` when it is stored elsewhere). */
    diff: request(
      z.object({
        hostId: z.string().min(1).max(256),
        before: CheckpointId,
        after: CheckpointId,
        afterHostId: z.string().min(1).max(256).optional(),
      }).strict(),
      ReportDiffSchema,
    ),
    /**
     * Streams a stored checkpoint from one host into another's store (never staged whole in between), so it can be
     * restored there; the source keeps it. Progress as `operationProgress` (kind restore, phase copy).
     */
    copy: request(
      z.object({
        fromHostId: z.string().min(1).max(256),
        checkpointId: CheckpointId,
        toHostId: z.string().min(1).max(256),
        operationId: OperationId.optional(),
      }).strict(),
      Checkpoint,
    ),
    cancel: request(z.object({ operationId: OperationId }).strict(), z.object({ cancelled: z.boolean() })),
  },
  images: {
    /** Opens a checkpoint archive (.tar, .tar.gz, .tar.zst) or image directory on the machine Stasis runs on. */
    inspectFile: request(z.object({ path: z.string().min(1).max(4096) }).strict(), InspectReportSchema),
    /** What changed from checkpoint `a` (the older) to `b`: processes, fds, sockets, memory growth. */
    diffFiles: request(z.object({ a: z.string().min(1).max(4096), b: z.string().min(1).max(4096) }).strict(), ReportDiffSchema),
    /**
     * The image browser's first read of a checkpoint (a file here or a stored one): every process without its fds,
     * environment and memory map, sockets only counted (shared/domain/report-parts.ts). The parts come next, cut from
     * the same read (kept for the last few checkpoints opened).
     */
    summary: request(z.object({ source: MemSource }).strict(), ReportSummarySchema),
    /** One process's fds, environment, memory map and socket peers. */
    process: request(z.object({ source: MemSource, pid: Pid }).strict(), ProcessPartsSchema),
    /** Every socket of the checkpoint. */
    sockets: request(z.object({ source: MemSource }).strict(), z.array(SocketViewSchema)),
    /**
     * Finds text, a regex (over bytes read as Latin-1) or hex bytes in one process's dumped memory. Pages are read
     * as they stream by, so a compressed archive is never held in memory.
     */
    memSearch: request(
      z.object({
        source: MemSource,
        pid: Pid,
        query: MemQuerySchema,
        max: z.number().int().min(1).max(MEM_UI_LIMITS.maxMatches).default(MEM_LIMITS.defaultMatches),
        context: z.number().int().min(0).max(MEM_UI_LIMITS.maxContext).default(MEM_LIMITS.defaultContext),
      }).strict(),
      MemSearchResult,
    ),
    /** The bytes of [address, address+length) in one process; pages not in the checkpoint come back as gaps with the reason. */
    memDump: request(
      z.object({ source: MemSource, pid: Pid, address: HexAddress, length: z.number().int().min(1).max(MEM_UI_LIMITS.maxDumpBytes) }).strict(),
      MemDumpResult,
    ),
  },
  migrate: {
    /** Preflight only: the checklist, the strategy `auto` picks and why; nothing stops. */
    check: request(MigrateInput, MigrationPlan),
    /** Preflight, then the move; progress as `migrationProgress` events. A failure after the freeze rolls back to the source. */
    start: request(MigrateInput, MigrationResult),
    /** Before the freeze: stops cleanly. After it: rolls back (the container ends on exactly one host). */
    cancel: request(z.object({ operationId: OperationId }).strict(), z.object({ cancelled: z.boolean() })),
    /** Migrations whose journal (on a source host's store) says they were cut off, on one host or all. */
    interrupted: request(AnyHost, z.object({ migrations: z.array(InterruptedMigration), errors: ContainerList.shape.errors })),
    /** Finishes an interrupted migration (it runs on the destination) or rolls it back onto the source. */
    recover: request(z.object({ hostId: z.string().min(1).max(256), migrationId: z.string().regex(/^mg-[a-z0-9-]{5,60}$/) }).strict(), RecoveryResult),
  },
} as const;

export const HostStatusEvent = z.object({ host: HostSummary });

export const events = {
  hostChanged: event(HostStatusEvent),
  /** Phase, bytes so far and elapsed time of a running checkpoint or restore. */
  operationProgress: event(OperationProgress),
  /** Phase, bytes, rate and ETA of a running migration. */
  migrationProgress: event(MigrationProgress),
} as const;

export type Requests = typeof requests;
export type Events = typeof events;
export type StasisClient = ClientOf<Requests>;
export type StasisHandlers<Ctx> = HandlersOf<Requests, Ctx>;
export type RequestChannelName = `${keyof Requests & string}.${string}`;

export const REQUEST_CHANNELS = requestChannels(requests);
export const EVENT_NAMES = Object.keys(events).sort() as (keyof Events & string)[];
