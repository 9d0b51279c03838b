import { describe, expect, it } from 'vitest';
import { href, links, parseRoute, type Route } from './router';

describe('router', () => {
  const routes: Route[] = [
    { name: 'home' },
    { name: 'welcome' },
    { name: 'host', hostId: 'stasis-a' },
    { name: 'host', hostId: 'odd name/with slash' },
    { name: 'containers' },
    { name: 'containers', q: 'web', host: 'local', runtime: 'podman', state: 'running' },
    { name: 'timeline', lineage: 'ck-20261129101010-abcdef01' },
    { name: 'jobs' },
    { name: 'jobs', job: 'checkpoint-1' },
    { name: 'image' },
    { name: 'image', path: '/abs/x y.tar.zst' },
    { name: 'image', hostId: 'stasis-b', checkpointId: 'ck-20261129101010-abcdef01' },
    { name: 'diff', a: '/a.tar', b: '/b.tar' },
    { name: 'diff', hostId: 'local', before: 'ck-1aaaa', after: 'ck-2bbbb' },
    { name: 'ssh-config' },
  ];
  it.each(routes.map((r) => [href(r), r]))('%s parses back to the same route', (address, route) => {
    expect(parseRoute(address)).toEqual(route);
  });

  it('reads the documented link forms', () => {
    expect(parseRoute('#/image?path=%2Fabs%2Fx.tar.zst')).toEqual({ name: 'image', path: '/abs/x.tar.zst' });
    expect(parseRoute('#/hosts/local')).toEqual({ name: 'host', hostId: 'local' });
    expect(parseRoute('')).toEqual({ name: 'home' });
    expect(parseRoute('#/')).toEqual({ name: 'home' });
    expect(links.imageFile('/abs/x.tar.zst')).toBe('#/image?path=%2Fabs%2Fx.tar.zst');
    expect(links.diffStored('stasis-a', 'ck-1aaaa', 'ck-2bbbb')).toBe('#/diff?hostId=stasis-a&before=ck-1aaaa&after=ck-2bbbb');
  });

  it('turns unknown or malformed addresses into not-found, never an exception', () => {
    expect(parseRoute('#/nope')).toEqual({ name: 'not-found', hash: '#/nope' });
    expect(parseRoute('#/hosts/a/b')).toEqual({ name: 'not-found', hash: '#/hosts/a/b' });
    expect(parseRoute('#/hosts/%E0%A4%A')).toEqual({ name: 'not-found', hash: '#/hosts/%E0%A4%A' });
  });

  it('drops query keys a route does not know', () => {
    expect(parseRoute('#/containers?q=x&evil=1')).toEqual({ name: 'containers', q: 'x' });
  });
});
