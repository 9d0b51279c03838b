import { z } from 'zod';
import type { Runtime } from './container';

/**
 * The one list of checkpoint and restore options. It drives the zod schemas (shared/domain/checkpoint.ts), the CLI
 * flags (stasis checkpoint / restore), the checkpoint dialog and the helper's arguments; a unit test compares the
 * helper flags here with the case arms the helper accepts (electron/services/checkpoint-args.test.ts).
 */

/** Checkpoint ids are minted by the helper: `ck-<UTC yyyymmddhhmmss>-<8 hex>`. */
export const CheckpointId = z.string().regex(/^ck-[a-z0-9-]{5,61}$/, 'a checkpoint id (ck-...)');

export const Compression = z.enum(['none', 'gzip', 'zstd']);

const Name = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a name: letters, digits, "_", "." and "-"');
const PortMapping = z.string().regex(/^[0-9a-z.:/-]{1,64}$/, 'a port mapping such as 8080:80/tcp');

const ALL: readonly Runtime[] = ['podman', 'docker', 'process'];

/** How an option is given on the command line and in the dialog. */
type Kind = 'flag' | 'text' | 'count' | 'choice' | 'list';

export interface OptionSpec<S extends z.ZodTypeAny = z.ZodTypeAny> {
  kind: Kind;
  schema: S;
  /** The CLI flag, without "--". */
  cli: string;
  /** Placeholder for the value in the CLI usage line. */
  cliValue?: string;
  /** Runtimes whose helper verb honours it; others refuse it before the helper runs. */
  runtimes: readonly Runtime[];
  /** The helper arguments for a value; absent when TypeScript handles the option itself (retention). */
  helper?: (value: never) => string[];
  /** Words for the dialog. */
  label: string;
  /** One line on what it does; the checkpoint dialog offers the flags that have one. */
  hint?: string;
  /** Used when the caller gives no value: one default for the app, the CLI and browser mode. */
  default?: z.infer<S>;
}

function opt<S extends z.ZodTypeAny>(spec: OptionSpec<S> & { helper?: (value: z.infer<S>) => string[] }): OptionSpec<S> {
  return spec as OptionSpec<S>;
}

const flag = (cli: string, runtimes: readonly Runtime[], label: string, hint?: string, dflt?: boolean) =>
  opt({
    kind: 'flag',
    schema: z.boolean(),
    cli,
    runtimes,
    label,
    ...(hint ? { hint } : {}),
    ...(dflt !== undefined ? { default: dflt } : {}),
    helper: (v: boolean) => (v ? [`--${cli}`] : []),
  });

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** UTF-8 then base64 (shared/ has neither Buffer nor btoa): the note travels to the helper in the one alphabet it takes. */
export function base64Utf8(s: string): string {
  const bytes: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + (i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=') + (i + 2 < bytes.length ? B64[n & 63]! : '=');
  }
  return out;
}

export const CHECKPOINT_OPTIONS = {
  /**
   * On by default everywhere (the dialog, the CLI, the API): a snapshot of a dev environment should not end it.
   * The CLI turns it off with --no-leave-running (generated for every flag whose default is true).
   */
  leaveRunning: flag('leave-running', ALL, 'Leave it running', 'the container goes on after the snapshot; off stops it', true),
  tcpEstablished: flag(
    'tcp-established',
    ['podman', 'process'],
    'Include established TCP connections',
    'needed when it holds open connections; they resume only on the same address',
  ),
  fileLocks: flag('file-locks', ['podman', 'process'], 'Include file locks', 'for programs that hold flock/fcntl locks (databases)'),
  ignoreRootfs: flag('ignore-rootfs', ['podman'], 'Skip file system changes', 'smaller and faster, but files written inside the container are not kept'),
  ignoreVolumes: flag('ignore-volumes', ['podman'], 'Skip volumes', 'volume contents are not copied into the checkpoint'),
  keep: flag('keep', ['podman'], 'Keep the CRIU work files'),
  compression: opt({
    kind: 'choice',
    schema: Compression,
    cli: 'compress',
    cliValue: 'none|gzip|zstd',
    runtimes: ['podman'],
    label: 'Compression',
    default: 'zstd',
    helper: (v: z.infer<typeof Compression>) => [`--compress=${v}`],
  }),
  /** podman, where the kernel tracks dirty memory: a pre-dump, or a dump on top of one. */
  preCheckpoint: flag('pre-checkpoint', ['podman'], 'Pre-checkpoint (memory only, the container keeps running)'),
  withPrevious: opt({
    kind: 'text',
    schema: CheckpointId,
    cli: 'with-previous',
    cliValue: 'ID',
    runtimes: ['podman'],
    label: 'On top of pre-checkpoint',
    helper: (v: string) => [`--with-previous=${v}`],
  }),
  /** Retention: keep only the newest N checkpoints of this container (0 = keep all). Done by TypeScript, not root. */
  keepLast: opt({ kind: 'count', schema: z.number().int().min(0).max(9999), cli: 'keep-last', cliValue: 'N', runtimes: ALL, label: 'Keep only the newest' }),
  note: opt({
    kind: 'text',
    schema: z.string().max(1024),
    cli: 'note',
    cliValue: 'TEXT',
    runtimes: ALL,
    label: 'Note',
    helper: (v: string) => (v ? [`--note-b64=${base64Utf8(v)}`] : []),
  }),
};

export const RESTORE_OPTIONS = {
  /** Restore as a new container (podman, Docker); otherwise the stopped original is replaced. */
  name: opt({ kind: 'text', schema: Name, cli: 'name', cliValue: 'NEW', runtimes: ['podman', 'docker'], label: 'New name', helper: (v: string) => [`--name=${v}`] }),
  keep: flag('keep', ['podman'], 'Keep the CRIU work files'),
  tcpEstablished: flag('tcp-established', ['podman'], 'Restore established TCP connections'),
  ignoreStaticIp: flag('ignore-static-ip', ['podman'], 'Ignore the static IP address'),
  ignoreStaticMac: flag('ignore-static-mac', ['podman'], 'Ignore the static MAC address'),
  ignoreRootfs: flag('ignore-rootfs', ['podman'], 'Skip file system changes'),
  ignoreVolumes: flag('ignore-volumes', ['podman'], 'Skip volumes'),
  publish: opt({
    kind: 'list',
    schema: z.array(PortMapping).max(16),
    cli: 'publish',
    cliValue: 'PORTS',
    runtimes: ['podman'],
    label: 'Publish ports (host:container, comma-separated)',
    helper: (v: string[]) => v.map((p) => `--publish=${p}`),
  }),
  pod: opt({ kind: 'text', schema: Name, cli: 'pod', cliValue: 'POD', runtimes: ['podman'], label: 'Into pod', helper: (v: string) => [`--pod=${v}`] }),
};

type Table = Record<string, OptionSpec>;
type OptionalShape<T extends Table> = { [K in keyof T]: z.ZodOptional<T[K]['schema']> };

/** The zod shape of a table: every option optional. */
export function optionalShape<T extends Table>(table: T): OptionalShape<T> {
  return Object.fromEntries(Object.entries(table).map(([k, o]) => [k, o.schema.optional()])) as OptionalShape<T>;
}

/** The options a runtime honours, as [key, spec] pairs in table order. */
export function optionsFor<T extends Table>(table: T, runtime: Runtime): [keyof T & string, T[keyof T]][] {
  return Object.entries(table).filter(([, o]) => o.runtimes.includes(runtime)) as [keyof T & string, T[keyof T]][];
}

/** The table's defaults that apply to a runtime, for values the caller left out. */
export function defaultsFor<T extends Table>(table: T, runtime: Runtime): Partial<{ [K in keyof T]: z.infer<T[K]['schema']> }> {
  const out: Record<string, unknown> = {};
  for (const [k, o] of optionsFor(table, runtime)) if (o.default !== undefined) out[k] = o.default;
  return out as Partial<{ [K in keyof T]: z.infer<T[K]['schema']> }>;
}

/** The helper arguments for a set of options, in table order; options TypeScript handles itself give none. */
export function helperArgsFor(table: Table, values: Record<string, unknown>): string[] {
  const args: string[] = [];
  for (const [k, o] of Object.entries(table)) {
    const v = values[k];
    if (v === undefined || !o.helper) continue;
    args.push(...(o.helper as (value: unknown) => string[])(v));
  }
  return args;
}
