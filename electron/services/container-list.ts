import { z } from 'zod';
import type { ContainerSummary } from '../../shared/domain/container';

const PodmanPs = z.array(
  z.object({
    Id: z.string(),
    Names: z.array(z.string()).optional(),
    State: z.string().optional(),
    Image: z.string().optional(),
    Status: z.string().optional(),
    CreatedAt: z.string().optional(),
    /** Unix seconds; 0 (or a time before the container was made) when it never started. */
    StartedAt: z.number().optional(),
  }).loose(),
);

const DockerPs = z.array(
  z.object({
    ID: z.string(),
    Names: z.string().optional(),
    State: z.string().optional(),
    Image: z.string().optional(),
    Status: z.string().optional(),
    CreatedAt: z.string().optional(),
  }).loose(),
);

export const HelperPs = z.object({
  podman: z.unknown(),
  docker: z.unknown(),
  dockerError: z.string().optional(),
  /** Full container id → bytes of its memory cgroup, for running podman containers (helpers since issue #10). */
  memory: z.record(z.string(), z.unknown()).optional(),
});

const Bytes = z.number().int().nonnegative().max(2 ** 53 - 1);

/** Docker 20.10 has no State column in old formats: derive it from the Status words. */
function dockerState(state: string | undefined, status: string | undefined): string {
  if (state) return state;
  const s = (status ?? '').toLowerCase();
  if (s.startsWith('up')) return s.includes('paused') ? 'paused' : 'running';
  if (s.startsWith('exited')) return 'exited';
  if (s.startsWith('created')) return 'created';
  return s || 'unknown';
}

/** The helper's `ps` answer → one list for the host. Malformed runtime output drops that runtime, not the host. */
export function parseHelperPs(host: string, raw: unknown): ContainerSummary[] {
  const ps = HelperPs.parse(raw);
  const out: ContainerSummary[] = [];
  const podman = PodmanPs.safeParse(ps.podman);
  if (podman.success) {
    for (const c of podman.data) {
      const state = (c.State ?? 'unknown').toLowerCase();
      const memory = Bytes.safeParse(ps.memory?.[c.Id]);
      const started = state === 'running' && c.StartedAt && c.StartedAt > 0 && c.StartedAt < 2 ** 31 ? new Date(c.StartedAt * 1000).toISOString() : undefined;
      out.push({
        host,
        runtime: 'podman',
        id: c.Id,
        name: c.Names?.[0] ?? c.Id.slice(0, 12),
        state,
        ...(c.Image ? { image: c.Image } : {}),
        ...(c.Status ? { status: c.Status } : {}),
        ...(c.CreatedAt ? { created: c.CreatedAt } : {}),
        ...(started ? { startedAt: started } : {}),
        ...(memory.success && state === 'running' ? { memoryBytes: memory.data } : {}),
      });
    }
  }
  const docker = DockerPs.safeParse(ps.docker);
  if (docker.success) {
    for (const c of docker.data) {
      out.push({
        host,
        runtime: 'docker',
        id: c.ID,
        name: c.Names?.split(',')[0] ?? c.ID.slice(0, 12),
        state: dockerState(c.State, c.Status),
        ...(c.Image ? { image: c.Image } : {}),
        ...(c.Status ? { status: c.Status } : {}),
        ...(c.CreatedAt ? { created: c.CreatedAt } : {}),
      });
    }
  }
  return out;
}
