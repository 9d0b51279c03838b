/**
 * Text from a checkpoint, a remote host or a container (process names, paths, socket names, stderr) may carry
 * control characters: a NUL, an escape sequence that recolours or rewrites the terminal, a bidi override that
 * reorders what the reader sees. Before such text is shown to a human it goes through here, which renders each
 * one visibly (`\x1b`, `\0`, `\u{202e}`) and leaves everything else as it was. Machine output (JSON) does not:
 * it stays exact.
 */

// C0 controls, DEL, C1 controls; the invisible bidi marks and overrides; line and paragraph separators.
// Matching control characters is the point here.
/* eslint-disable no-control-regex */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu;

/* eslint-enable no-control-regex */

const NAMED: Record<string, string> = { '\0': '\\0', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0)!;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** One field (a name, a path): every control character is shown escaped, newlines and tabs included. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, visible);
}

/** A whole block of output: its own newlines and tabs stay, every other control character is shown escaped. */
export function escapeControlKeepLines(text: string): string {
  return text.replace(CONTROL_BUT_LINES, visible);
}
