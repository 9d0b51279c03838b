/** Where browser mode keeps the server's token for this tab (sessionStorage: gone when the tab closes). */
export const TOKEN_KEY = 'stasis.token';

/**
 * Takes the browser-mode token out of an address. It comes as the printed `#token=T`, or as a `token` parameter of
 * any route (`#/image?path=…&token=T`), so a link can open a view directly. Returns the token (or undefined) and the
 * hash without it, which the caller puts back in the address bar so the token is not left on screen or in history.
 */
export function takeToken(hash: string): { token: string | undefined; hash: string } {
  const raw = hash.replace(/^#/, '');
  if (!raw.startsWith('/')) {
    // The printed form: `#token=T` (maybe with other parameters, which mean nothing here).
    const token = new URLSearchParams(raw).get('token') ?? undefined;
    return token === undefined ? { token, hash } : { token, hash: '#/' };
  }
  const q = raw.indexOf('?');
  if (q < 0) return { token: undefined, hash };
  const params = new URLSearchParams(raw.slice(q + 1));
  const token = params.get('token') ?? undefined;
  if (token === undefined) return { token, hash };
  params.delete('token');
  const rest = params.toString();
  return { token, hash: `#${raw.slice(0, q)}${rest ? `?${rest}` : ''}` };
}

/** Reads the token from the address (keeping it for the tab) or from the tab's storage, and cleans the address. */
export function adoptToken(storage: Pick<Storage, 'getItem' | 'setItem'>, loc: Pick<Location, 'hash'>, replaceHash: (hash: string) => void): string {
  const { token, hash } = takeToken(loc.hash);
  if (token !== undefined) {
    storage.setItem(TOKEN_KEY, token);
    replaceHash(hash);
    return token;
  }
  return storage.getItem(TOKEN_KEY) ?? '';
}
