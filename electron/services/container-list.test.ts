import { describe, expect, it } from 'vitest';
import { parseHelperPs } from './container-list';

describe('container list: uptime and memory', () => {
  it('takes a running podman container start time and its cgroup memory from the helper', () => {
    const list = parseHelperPs('h', {
      podman: [
        { Id: 'a1', Names: ['web'], State: 'running', StartedAt: 1_795_988_605 },
        { Id: 'b2', Names: ['old'], State: 'exited', StartedAt: 1_795_988_000 },
      ],
      docker: [],
      memory: { a1: 487_424, b2: 100 },
    });
    expect(list[0]).toMatchObject({ name: 'web', startedAt: new Date(1_795_988_605_000).toISOString(), memoryBytes: 487_424 });
    // Not running: no uptime, no memory (a stale number would mislead).
    expect(list[1]).not.toHaveProperty('startedAt');
    expect(list[1]).not.toHaveProperty('memoryBytes');
  });

  it('drops what is not a byte count and accepts helpers that send no memory at all', () => {
    const bad = parseHelperPs('h', { podman: [{ Id: 'a1', State: 'running', StartedAt: 0 }], docker: [], memory: { a1: '12; rm -rf' } });
    expect(bad[0]).not.toHaveProperty('memoryBytes');
    expect(bad[0]).not.toHaveProperty('startedAt');
    expect(parseHelperPs('h', { podman: [{ Id: 'a1', State: 'running' }], docker: [] })[0]).toMatchObject({ id: 'a1', name: 'a1' });
  });
});
