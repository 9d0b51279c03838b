import { z } from 'zod';

/** What Stasis can checkpoint: a podman or Docker container, or a plain process tree by PID. */
export const Runtime = z.enum(['podman', 'docker', 'process']);
export type Runtime = z.infer<typeof Runtime>;

/** Names and ids as podman and Docker allow them; the helper re-checks the same pattern. */
export const ContainerRef = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a container name or id: letters, digits, "_", "." and "-"');

export const ContainerSummary = z.object({
  /** The host id: `local` or an SSH alias. */
  host: z.string(),
  runtime: Runtime,
  id: z.string(),
  name: z.string(),
  /** running, exited, paused, created, ... as the runtime says. */
  state: z.string(),
  image: z.string().optional(),
  status: z.string().optional(),
  created: z.string().optional(),
  /** When a running container started (ISO time), for its uptime; podman only (Docker's status words say it). */
  startedAt: z.string().optional(),
  /** Bytes its memory cgroup holds, read by the helper at the last list; running podman containers only. */
  memoryBytes: z.number().int().nonnegative().optional(),
});
export type ContainerSummary = z.infer<typeof ContainerSummary>;

/** A host that could not answer, so a list can be partial without failing. */
export const HostFailure = z.object({ host: z.string(), code: z.string(), message: z.string(), detail: z.string().optional() });
export type HostFailure = z.infer<typeof HostFailure>;

export const ContainerList = z.object({
  containers: z.array(ContainerSummary),
  errors: z.array(HostFailure),
});
export type ContainerList = z.infer<typeof ContainerList>;
