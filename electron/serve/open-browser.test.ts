import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileDir, openInBrowser, writeRedirectFile } from './open-browser';

const root = mkdtempSync(path.join(tmpdir(), 'stasis-open-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const URL_WITH_TOKEN = 'http://127.0.0.1:5176/#token=s3cret-token_value';

describe('opening the browser without the token on a command line', () => {
  it('hands xdg-open a 0600 file in a 0700 dir that redirects to the tokened URL', () => {
    const calls: string[][] = [];
    const dir = path.join(root, 'runtime', 'stasis');
    const opened = openInBrowser(URL_WITH_TOKEN, { dir, spawner: (cmd, args) => calls.push([cmd, ...args]) });
    expect(calls).toEqual([['xdg-open', opened.file]]);
    expect(calls.flat().join(' ')).not.toContain('s3cret');
    expect(statSync(opened.file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const html = readFileSync(opened.file, 'utf8');
    expect(html).toContain(`content="0;url=${URL_WITH_TOKEN}"`);
    opened.remove();
    expect(() => statSync(opened.file)).toThrow();
  });

  it('never writes through a link planted under its name', () => {
    const dir = path.join(root, 'planted');
    const victim = path.join(root, 'victim');
    writeFileSync(victim, 'untouched');
    writeRedirectFile(URL_WITH_TOKEN, dir); // creates the dir
    const file = path.join(dir, `serve-${process.pid}-open.html`);
    rmSync(file);
    symlinkSync(victim, file);
    writeRedirectFile(URL_WITH_TOKEN, dir);
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect(readFileSync(file, 'utf8')).toContain('s3cret');
  });

  it('escapes the URL in the page', () => {
    const f = writeRedirectFile('http://127.0.0.1:1/#token="><script>', path.join(root, 'esc'));
    expect(readFileSync(f, 'utf8')).not.toContain('"><script>');
  });

  it('puts the file in $XDG_RUNTIME_DIR, else the config dir', () => {
    expect(openFileDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/stasis');
    expect(openFileDir({ XDG_CONFIG_HOME: '/home/u/.cfg' })).toBe('/home/u/.cfg/stasis');
    expect(openFileDir({ XDG_RUNTIME_DIR: 'relative' , XDG_CONFIG_HOME: '/c' })).toBe('/c/stasis');
  });
});
