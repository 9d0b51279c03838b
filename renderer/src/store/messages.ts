import { ApiError } from '../../../shared/api/client';

/** An error as the app shows it: what failed, in the app's words, and the main side's detail when there is one. */
export interface Problem {
  code: string;
  message: string;
  detail?: string;
}

/**
 * Words of the CLI that the main side may send (flags, commands) and what a user of the app should read instead.
 * The backend's messages stay the CLI's; only this copy in the renderer is rewritten.
 */
const REWRITES: Array<[RegExp, string]> = [
  [/\s*\(--name\)/g, ' (the “Restore as a new container named” field)'],
  [/\s*with --name\b/g, ' under a new name (the “Restore as a new container named” field)'],
  [/Run "stasis ps[^"]*" to see them\./g, 'The Containers page lists them.'],
  [/Run "stasis ([a-z-]+)[^"]*"/g, 'Use $1 in the app'],
  [/--allow-lost-processes/g, '“Checkpoint anyway”'],
  [/--leave-running/g, '“Leave it running”'],
];

/** Zod's "Invalid input for hosts.add: …" names the channel; the app names the field the user typed into. */
const FIELD_NAMES: Record<string, string> = {
  id: 'Name in Stasis',
  hostName: 'Address',
  user: 'User',
  port: 'Port',
  proxyJump: 'Jump through',
  name: 'Name',
  container: 'Container',
  pod: 'Pod',
  publish: 'Publish ports',
  note: 'Note',
};

export function appWords(text: string): string {
  let out = text;
  for (const [re, to] of REWRITES) out = out.replace(re, to);
  const invalid = /^Invalid input for [a-zA-Z]+\.[a-zA-Z]+: (.*)$/s.exec(out);
  if (invalid) out = `That value is not accepted: ${invalid[1]}`;
  return out;
}

/** The field a bad-request error is about, when the message names one we know. */
export function fieldOf(problem: Problem): string | undefined {
  for (const [key, label] of Object.entries(FIELD_NAMES)) if (new RegExp(`\\b${key}\\b`).test(problem.message)) return label;
  return undefined;
}

export function toProblem(err: unknown): Problem {
  if (err instanceof ApiError) return { code: err.code, message: appWords(err.message), ...(err.detail ? { detail: err.detail } : {}) };
  return { code: 'internal', message: appWords(err instanceof Error ? err.message : String(err)) };
}

/** An action's outcome for a dialog: it stays open and shows the problem under the field it concerns. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: Problem };
