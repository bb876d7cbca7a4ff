/** Set at build time by electron-vite's define; falls back for runs straight from source. */
declare const __LETHE_VERSION__: string | undefined;

export const LETHE_VERSION: string = typeof __LETHE_VERSION__ === 'string' ? __LETHE_VERSION__ : '0.0.0-dev';
