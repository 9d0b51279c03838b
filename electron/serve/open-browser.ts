import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Where the redirect file goes: the user's runtime dir (tmpfs, 0700 by spec), else the config dir. */
export function openFileDir(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime && path.isAbsolute(runtime)) return path.join(runtime, 'stasis');
  const config = env['XDG_CONFIG_HOME'] && path.isAbsolute(env['XDG_CONFIG_HOME']) ? env['XDG_CONFIG_HOME'] : path.join(homedir(), '.config');
  return path.join(config, 'stasis');
}

function htmlAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Writes a page only its owner can read (0600, in a 0700 dir) that sends the browser on to `url`. Handing the
 * browser this file instead of the URL keeps the token out of the command line, which every local user can
 * read in /proc/PID/cmdline. Returns the file's path; the caller removes it when the server stops.
 */
export function writeRedirectFile(url: string, dir: string = openFileDir()): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `serve-${process.pid}-open.html`);
  rmSync(file, { force: true });
  // O_EXCL: never write through a file (or link) someone else planted under that name.
  const fd = openSync(file, 'wx', 0o600);
  try {
    const a = htmlAttr(url);
    writeSync(fd, `<!doctype html>\n<meta charset="utf-8">\n<meta http-equiv="refresh" content="0;url=${a}">\n<title>Stasis</title>\n<p><a href="${a}">Open Stasis</a></p>\n`);
  } finally {
    closeSync(fd);
  }
  return file;
}

export type Spawner = (cmd: string, args: string[]) => void;

const detachedSpawn: Spawner = (cmd, args) => {
  spawn(cmd, args, { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
};

/** Opens the browser on the redirect file; the tokened URL itself is never an argument of any process. */
export function openInBrowser(url: string, options: { dir?: string; spawner?: Spawner } = {}): { file: string; remove(): void } {
  const file = writeRedirectFile(url, options.dir);
  (options.spawner ?? detachedSpawn)('xdg-open', [file]);
  return { file, remove: () => rmSync(file, { force: true }) };
}
