import { z } from 'zod';
import { CheckpointMeta } from '../../../shared/domain/checkpoint';

/** A migration journal as the source helper keeps it (`journal get|begin|set`; `journal list` answers an array). */
export const Journal = z.object({
  id: z.string(),
  /** The helper that froze the container still runs (it stores the checkpoint after the last byte left). */
  live: z.boolean(),
  runtime: z.enum(['podman', 'docker', 'process']),
  cid: z.string(),
  cname: z.string(),
  source: z.string(),
  dest: z.string(),
  dname: z.string(),
  phase: z.string(),
  created: z.string(),
  lineage: z.string().optional(),
  ckid: z.string().optional(),
  digest: z.string().optional(),
  bytes: z.string().optional(),
  /** How a process tree moves: `stop-and-copy`, or empty for a lazy move (journals from before 1.3.1 have none). */
  strategy: z.string().optional(),
});
export type Journal = z.infer<typeof Journal>;

/** `migrate-in`: the stored copy's record, and the CRC-32 (cksum) and size of what arrived. */
export const MigrateIn = z.object({ meta: CheckpointMeta, digest: z.string().regex(/^[0-9]{1,10}$/), bytes: z.number() });

/** What `migrate-check` and `tree-check` both report about a host: its CRIU, kernel and room. */
export const HostFacts = z.object({
  criu: z.string(),
  criuCheck: z.boolean(),
  kernel: z.string(),
  lazyPages: z.boolean(),
  dirtyTracking: z.boolean(),
  pipeMaxSize: z.number(),
  diskFree: z.number(),
});

/** `tree-check PID|-`: a process tree's migration facts on one host (`alive`, `comm`, `rss` only with a PID). */
export const TreeFacts = HostFacts.extend({
  alive: z.boolean(),
  /** The process looked at: the PID asked for, or with `--from=CKID` the one that checkpoint's restore made ('-': none). */
  pid: z.string().optional(),
  comm: z.string(),
  rss: z.number(),
  caller: z.string(),
});
export type TreeFacts = z.infer<typeof TreeFacts>;

/** `lazy-in`: the restored tree's root as this host sees it. */
export const LazyIn = z.object({ pid: z.string().regex(/^[1-9][0-9]{0,9}$/) });

/** `lazy-end wait|abort`: whether CRIU's side of a lazy move ended, how, and whether the tree runs on that host. */
export const LazyEnd = z.object({
  side: z.enum(['source', 'dest']),
  ended: z.boolean(),
  rc: z.number().nullable(),
  treeAlive: z.boolean(),
  log: z.string(),
});
export type LazyEnd = z.infer<typeof LazyEnd>;
