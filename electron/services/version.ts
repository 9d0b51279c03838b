declare const __STASIS_VERSION__: string | undefined;

/** Injected at build time from package.json (esbuild and Vitest `define`). */
export const STASIS_VERSION: string = typeof __STASIS_VERSION__ === 'string' ? __STASIS_VERSION__ : '0.0.0-dev';
