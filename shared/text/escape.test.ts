import { describe, expect, it } from 'vitest';
import { escapeControl, escapeControlKeepLines } from './escape';

describe('escapeControl', () => {
  it('shows NUL, escape sequences and other controls visibly and keeps the rest', () => {
    expect(escapeControl('ctl.sock\0')).toBe('ctl.sock\\0');
    expect(escapeControl('\x1b[2J\x1b]0;pwned\x07bash')).toBe('\\x1b[2J\\x1b]0;pwned\\x07bash');
    expect(escapeControl('a\tb\nc\rd\x7f\x9b')).toBe('a\\tb\\nc\\rd\\x7f\\x9b');
    expect(escapeControl('evil\u202eexe.txt\u2066')).toBe('evil\\u{202e}exe.txt\\u{2066}');
    expect(escapeControl('/srv/données/日本語 ✓ C:\\x')).toBe('/srv/données/日本語 ✓ C:\\x');
  });

  it('keeps a block’s own lines and tabs', () => {
    expect(escapeControlKeepLines('pid 1\tbash\x1b[31m\nfd 3 sock\0\n')).toBe('pid 1\tbash\\x1b[31m\nfd 3 sock\\0\n');
  });

  it('leaves no control character in any string', () => {
    let all = '';
    for (let c = 0; c < 0x3000; c++) all += String.fromCodePoint(c);
    // eslint-disable-next-line no-control-regex
    expect(escapeControl(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});
