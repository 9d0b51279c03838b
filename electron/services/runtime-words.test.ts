import { describe, expect, it } from 'vitest';
import { StasisError } from '../../shared/api/errors';
import { inRuntimeWords } from './runtime-words';

describe('inRuntimeWords', () => {
  it('says which name is taken, keeping the runtime words as the detail (podman and docker)', () => {
    const podman = 'Error: creating container storage: the container name "web" is already in use by 3f2a. You have to remove that container to be able to reuse that name: that name is already in use';
    const e = inRuntimeWords(new StasisError('operation-failed', "podman restore failed. See the detail for the runtime's last words.", podman)) as StasisError;
    expect(e.code).toBe('bad-request');
    expect(e.message).toMatch(/A container named "web" already exists .*already in use/);
    expect(e.detail).toBe(podman);
    const docker = inRuntimeWords(new StasisError('operation-failed', 'docker create failed.', 'Conflict. The container name "/db" is already in use by container "9c".')) as StasisError;
    expect(docker.message).toMatch(/named "db"/);
  });

  it('leaves everything else alone', () => {
    const other = new StasisError('operation-failed', 'podman restore failed.', 'criu failed');
    expect(inRuntimeWords(other)).toBe(other);
    const busy = new StasisError('busy', 'the container name "x" is already in use');
    expect(inRuntimeWords(busy)).toBe(busy);
  });
});
