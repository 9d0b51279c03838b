import { describe, expect, it } from 'vitest';
import { parsePs } from './host-processes';

describe('parsePs', () => {
  it('reads pid, ppid, user, name and the whole command line, and leaves out kernel threads', () => {
    const ps = ['    1     0 root     init            /sbin/init splash', '    2     0 root     kthreadd        [kthreadd]', '   14     2 root     kworker/0:1     [kworker/0:1]', ' 4242  4100 alice    python3         python3 -m http.server 8000', 'garbage'].join('\n');
    expect(parsePs(ps)).toEqual([
      { pid: 1, ppid: 0, user: 'root', name: 'init', args: '/sbin/init splash' },
      { pid: 4242, ppid: 4100, user: 'alice', name: 'python3', args: 'python3 -m http.server 8000' },
    ]);
  });
});
