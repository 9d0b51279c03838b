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

export const HelperPs = z.object({ podman: z.unknown(), docker: z.unknown(), dockerError: z.string().optional() });

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
      out.push({
        host,
        runtime: 'podman',
        id: c.Id,
        name: c.Names?.[0] ?? c.Id.slice(0, 12),
        state: (c.State ?? 'unknown').toLowerCase(),
        ...(c.Image ? { image: c.Image } : {}),
        ...(c.Status ? { status: c.Status } : {}),
        ...(c.CreatedAt ? { created: c.CreatedAt } : {}),
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
