import { z } from 'zod';
import { FdViewSchema, HolderSchema, InspectReportSchema, SocketViewSchema, VmaViewSchema, type InspectReportData } from './inspect-report';

/**
 * The image browser reads a report in parts: first the summary (every process without its fds, environment and memory
 * map; sockets only counted), then each process's parts when it is selected and the sockets when their tab opens. A
 * 300-process image with 11,000 fds and 10,000 sockets is a 5 MB report; its summary is a few dozen KB, so the tree
 * and the first fd table are painted without the rest crossing the transport or being validated.
 */
const ProcessViewSchema = InspectReportSchema.shape.processes.element;

// Shown only for the selected process, and most of a summary's bytes otherwise (16 rlimits each: 260 KB of 300).
const DETAIL_ONLY = { rlimits: true, timers: true, pendingSignals: true, seccompFilters: true } as const;

export const ProcessSummarySchema = ProcessViewSchema.omit({ fds: true, environ: true, memory: true, ...DETAIL_ONLY }).extend({
  fdCount: z.number(),
  /** Absent when the image holds no environment for it (as in the full report's `environ`). */
  environCount: z.number().optional(),
  memory: z.object({ vmas: z.number(), sizeBytes: z.number(), rssBytes: z.number(), mapCount: z.number() }),
});
export type ProcessSummary = z.infer<typeof ProcessSummarySchema>;

export const ProcessPartsSchema = ProcessViewSchema.pick(DETAIL_ONLY).extend({
  pid: z.number(),
  fds: z.array(FdViewSchema),
  environ: z.array(z.string()).optional(),
  map: z.array(VmaViewSchema),
  /** For each of its fds that is a socket with a peer: the peer's holders (the fd table's links). */
  peers: z.array(z.object({ fd: z.number(), holders: z.array(HolderSchema) })),
});
export type ProcessParts = z.infer<typeof ProcessPartsSchema>;

export const ReportSummarySchema = InspectReportSchema.omit({ processes: true, sockets: true }).extend({
  processes: z.array(ProcessSummarySchema),
  socketCount: z.number(),
  /** The sockets with files in flight (SCM_RIGHTS), which the extras tab lists: few. */
  inFlightSockets: z.array(SocketViewSchema),
  /** The parts of the first process (the tree's first row, shown first), so the first paint needs one request. */
  first: ProcessPartsSchema.optional(),
});
export type ReportSummary = z.infer<typeof ReportSummarySchema>;


type Process = InspectReportData['processes'][number];

export function processSummary(p: Process): ProcessSummary {
  const { fds, environ, memory, rlimits: _r, timers: _t, pendingSignals: _p, seccompFilters: _s, ...rest } = p;
  return {
    ...rest,
    fdCount: fds.length,
    ...(environ ? { environCount: environ.length } : {}),
    memory: { vmas: memory.vmas, sizeBytes: memory.sizeBytes, rssBytes: memory.rssBytes, mapCount: memory.map.length },
  };
}

export function reportSummary(r: InspectReportData): ReportSummary {
  const { processes, sockets, ...rest } = r;
  const first = processes[0] && processParts(r, processes[0].pid);
  return {
    ...rest,
    processes: processes.map(processSummary),
    socketCount: sockets.length,
    inFlightSockets: sockets.filter((s) => s.inFlight?.length),
    ...(first ? { first } : {}),
  };
}

/** One process's fds, environment, memory map and socket peers; undefined when the report has no such pid. */
export function processParts(r: InspectReportData, pid: number): ProcessParts | undefined {
  const p = r.processes.find((x) => x.pid === pid);
  if (!p) return undefined;
  const peers: ProcessParts['peers'] = [];
  for (const s of r.sockets) {
    if (!s.peer?.holders.length) continue;
    for (const h of s.holders) if (h.pid === pid) peers.push({ fd: h.fd, holders: s.peer.holders });
  }
  const { rlimits, timers, pendingSignals, seccompFilters } = p;
  return {
    pid,
    fds: p.fds,
    ...(p.environ ? { environ: p.environ } : {}),
    map: p.memory.map,
    peers,
    ...(rlimits ? { rlimits } : {}),
    ...(timers ? { timers } : {}),
    ...(pendingSignals ? { pendingSignals } : {}),
    ...(seccompFilters ? { seccompFilters } : {}),
  };
}
