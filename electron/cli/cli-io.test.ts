import { describe, expect, it } from 'vitest';
import { cliIo } from './cli-io';
import { table } from './commands/cli-services';

function capture(json: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: cliIo(json, { out: (t) => void out.push(t), err: (t) => void err.push(t) }), out, err };
}

const HOSTILE = 'fd 3 socket ctl.sock\0\nproc \x1b]0;owned\x07\x1b[2Jbash \u202egnp.exe';

describe('CLI output', () => {
  it('shows control characters from images and hosts escaped in human output, on stdout and stderr', () => {
    const c = capture(false);
    c.io.out(HOSTILE);
    c.io.err(`host-a: ${HOSTILE}`);
    expect(c.out).toEqual(['fd 3 socket ctl.sock\\0\nproc \\x1b]0;owned\\x07\\x1b[2Jbash \\u{202e}gnp.exe\n']);
    expect(c.err[0]).toContain('ctl.sock\\0');
    for (const t of [...c.out, ...c.err]) for (const ch of ['\0', '\x07', '\x1b', '\u202e']) expect(t).not.toContain(ch);
  });

  it('writes --json output exactly', () => {
    const c = capture(true);
    const json = JSON.stringify({ name: HOSTILE, c1: '\u0085\u202e' });
    c.io.out(json);
    expect(c.out).toEqual([`${json}\n`]);
    expect(JSON.parse(c.out[0]!)).toEqual({ name: HOSTILE, c1: '\u0085\u202e' });
  });

  it('escapes a newline inside a table cell, so one row stays one line', () => {
    const t = table([
      ['NAME', 'ID'],
      ['web\nfake-row  1234', 'abc'],
    ]);
    expect(t.split('\n')).toHaveLength(2);
    expect(t).toContain('web\\nfake-row');
  });
});
