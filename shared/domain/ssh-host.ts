import { z } from 'zod';

/** Host ids double as CLI names: an ssh alias, never `local`. */
export const HostId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a host name: letters, digits, "_", "." and "-"');

/** A host added by hand. Persisted (without secrets) in the user's config dir. */
export const ManualHost = z
  .object({
    id: HostId,
    hostName: z.string().min(1).max(253).regex(/^[A-Za-z0-9_.:%-]+$/, 'a host name or address'),
    user: z.string().min(1).max(64).regex(/^[a-z_][a-z0-9_.-]*\$?$/i, 'a user name').optional(),
    port: z.number().int().min(1).max(65535).optional(),
    identityFile: z.string().min(1).max(4096).optional(),
    /** `ProxyJump` syntax: comma-separated [user@]host[:port] or aliases. */
    proxyJump: z.string().min(1).max(1024).optional(),
  })
  .strict();
export type ManualHost = z.infer<typeof ManualHost>;

export const SecretKind = z.enum(['password', 'passphrase']);
export type SecretKind = z.infer<typeof SecretKind>;

export const HelperStatus = z.object({
  installed: z.boolean(),
  version: z.string().optional(),
  expected: z.string(),
  upToDate: z.boolean(),
  /** How the helper runs there: directly as root, via sudo -n, via pkexec. */
  via: z.enum(['root', 'sudo', 'pkexec', 'none']),
  problem: z.string().optional(),
});
export type HelperStatus = z.infer<typeof HelperStatus>;

export const HostTestResult = z.object({
  hostId: z.string(),
  ok: z.boolean(),
  latencyMs: z.number(),
  user: z.string().optional(),
  helper: HelperStatus,
});
export type HostTestResult = z.infer<typeof HostTestResult>;

export const SetUpResult = z.object({
  hostId: z.string(),
  helperPath: z.string(),
  version: z.string(),
  sudoers: z.boolean(),
});
export type SetUpResult = z.infer<typeof SetUpResult>;

/** A host key the user is asked to accept (the detail of a `host-key-unknown` error carries the fingerprint). */
export const HostKeyInfo = z.object({
  hostId: z.string(),
  host: z.string(),
  port: z.number(),
  keyType: z.string(),
  fingerprint: z.string(),
});
export type HostKeyInfo = z.infer<typeof HostKeyInfo>;
