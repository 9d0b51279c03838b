import { z } from 'zod';
import { ManualHost } from './ssh-host';

/** A tool found on a host, or why it is unusable. */
export const ToolStatus = z.object({
  found: z.boolean(),
  version: z.string().optional(),
  /** One line telling the user what is wrong and how to fix it, when something is. */
  problem: z.string().optional(),
});
export type ToolStatus = z.infer<typeof ToolStatus>;

export const RuntimeStatus = ToolStatus.extend({
  /** The OCI runtime (podman) or execution driver in use. */
  runtime: z.string().optional(),
  canCheckpoint: z.boolean(),
});
export type RuntimeStatus = z.infer<typeof RuntimeStatus>;

export const Elevation = z.enum(['root', 'pkexec', 'sudo', 'none']);
export type Elevation = z.infer<typeof Elevation>;

export const HostCapabilities = z.object({
  hostname: z.string(),
  kernel: z.string(),
  arch: z.string(),
  criu: ToolStatus.extend({
    /** `criu check` verdict: "Looks good." or its first complaint. */
    check: z.string().optional(),
    checkPassed: z.boolean(),
  }),
  podman: RuntimeStatus,
  docker: RuntimeStatus,
  elevation: Elevation,
  /** How Stasis runs privileged actions here, in words. */
  elevationNote: z.string(),
  probedAt: z.string(),
});
export type HostCapabilities = z.infer<typeof HostCapabilities>;

export const HostKind = z.enum(['local', 'ssh']);

export const HostSummary = z.object({
  /** `local` for this computer; the SSH alias otherwise. */
  id: z.string(),
  name: z.string(),
  kind: HostKind,
  address: z.string().optional(),
  status: z.enum(['ok', 'unreachable', 'unknown', 'error']),
  capabilities: HostCapabilities.optional(),
  error: z.string().optional(),
  /** Where an SSH host comes from: the ssh config (edited there) or added in Stasis (editable, with its fields). */
  source: z.enum(['ssh-config', 'manual']).optional(),
  manual: ManualHost.optional(),
});
export type HostSummary = z.infer<typeof HostSummary>;

/** A `Host` block from ~/.ssh/config, as read (nothing is connected). */
export const SshConfigHost = z.object({
  alias: z.string(),
  hostName: z.string().optional(),
  user: z.string().optional(),
  port: z.number().int().optional(),
  identityFile: z.array(z.string()).optional(),
  proxyJump: z.string().optional(),
  source: z.string(),
});
export type SshConfigHost = z.infer<typeof SshConfigHost>;
