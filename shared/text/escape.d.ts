/**
 * Text from a checkpoint, a remote host or a container (process names, paths, socket names, stderr) may carry
 * control characters: a NUL, an escape sequence that recolours or rewrites the terminal, a bidi override that
 * reorders what the reader sees. Before such text is shown to a human it goes through here, which renders each
 * one visibly (`\x1b`, `\0`, `\u{202e}`) and leaves everything else as it was. Machine output (JSON) does not:
 * it stays exact.
 */
/** One field (a name, a path): every control character is shown escaped, newlines and tabs included. */
export declare function escapeControl(text: string): string;
/** A whole block of output: its own newlines and tabs stay, every other control character is shown escaped. */
export declare function escapeControlKeepLines(text: string): string;
