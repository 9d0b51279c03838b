import type { z } from 'zod';
import type { OptionSpec } from '../../shared/domain/checkpoint-options';
import { UsageError } from './command';

type Table = Record<string, OptionSpec>;
type FlagConfig = { type: 'boolean' } | { type: 'string'; multiple?: true };

/** A flag that is on unless told otherwise also gets "--no-<flag>" to turn it off. */
const onByDefault = (o: OptionSpec): boolean => o.kind === 'flag' && o.default === true;

/** node:util parseArgs options for every option in the table. */
export function flagConfig(table: Table): Record<string, FlagConfig> {
  const out: Record<string, FlagConfig> = {};
  for (const o of Object.values(table)) {
    out[o.cli] = o.kind === 'flag' ? { type: 'boolean' } : o.kind === 'list' ? { type: 'string', multiple: true } : { type: 'string' };
    if (onByDefault(o)) out[`no-${o.cli}`] = { type: 'boolean' };
  }
  return out;
}

/** "[--no-leave-running] [--compress none|gzip|zstd] ..." for a usage line (a flag on by default shows its off switch). */
export function flagUsage(table: Table): string {
  return Object.values(table)
    .map((o) =>
      o.kind === 'flag' ? `[--${onByDefault(o) ? 'no-' : ''}${o.cli}]` : `[--${o.cli} ${o.cliValue ?? 'VALUE'}]${o.kind === 'list' ? '...' : ''}`,
    )
    .join(' ');
}

/** The parsed flags as option values, checked by the table's schema (a bad value is a usage error naming the flag). */
export function optionsFromFlags<S extends z.ZodTypeAny>(table: Table, schema: S, values: Record<string, unknown>): z.infer<S> {
  const out: Record<string, unknown> = {};
  for (const [key, o] of Object.entries(table)) {
    const v = values[o.cli];
    if (onByDefault(o) && values[`no-${o.cli}`] === true) {
      if (v === true) throw new UsageError(`give --${o.cli} or --no-${o.cli}, not both`);
      out[key] = false;
      continue;
    }
    if (v === undefined || v === false) continue;
    if (o.kind === 'list' && Array.isArray(v) && v.length === 0) continue;
    if (o.kind === 'count') {
      const n = Number(v);
      if (!/^(0|[1-9][0-9]*)$/.test(String(v)) || !Number.isSafeInteger(n)) throw new UsageError(`--${o.cli} takes a whole number`);
      out[key] = n;
    } else out[key] = v;
  }
  const parsed = schema.safeParse(out);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    throw new UsageError(`--${table[key]?.cli ?? key}: ${issue?.message ?? 'invalid value'}`);
  }
  return parsed.data as z.infer<S>;
}
