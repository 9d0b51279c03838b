import { describe, expect, it } from 'vitest';
import { adoptToken, takeToken, TOKEN_KEY } from './token';

describe('browser-mode token', () => {
  it('takes the printed #token=T form and lands on the home route', () => {
    expect(takeToken('#token=abc_-1')).toEqual({ token: 'abc_-1', hash: '#/' });
  });

  it('takes a token parameter from any route and keeps the rest of the route', () => {
    expect(takeToken('#/image?path=%2Fabs%2Fx.tar.zst&token=T')).toEqual({ token: 'T', hash: '#/image?path=%2Fabs%2Fx.tar.zst' });
    expect(takeToken('#/jobs?token=T')).toEqual({ token: 'T', hash: '#/jobs' });
    expect(takeToken('#/hosts/local')).toEqual({ token: undefined, hash: '#/hosts/local' });
  });

  it('keeps the token for the tab and cleans the address; a later address without one reuses it', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const replaced: string[] = [];
    expect(adoptToken(storage, { hash: '#/containers?q=web&token=S3' }, (h) => replaced.push(h))).toBe('S3');
    expect(replaced).toEqual(['#/containers?q=web']);
    expect(store.get(TOKEN_KEY)).toBe('S3');
    expect(adoptToken(storage, { hash: '#/jobs' }, (h) => replaced.push(h))).toBe('S3');
    expect(replaced).toHaveLength(1);
  });
});
