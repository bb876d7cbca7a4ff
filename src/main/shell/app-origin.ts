/**
 * The renderer's one origin. The UI is served from a privileged custom scheme rather than
 * file:// (file pages can read any local file), and every trust decision in the shell compares
 * against these constants, never against substrings.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'lethe';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/`;

/** Parses with `new URL` and never throws: malformed input is simply "not a URL". */
export function parseUrl(value: unknown): URL | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 8192) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/**
 * True for URLs of the app's own origin: scheme `app:`, host exactly `lethe`, no port and no
 * credentials (`app://x@lethe/` is a different authority that a substring check would accept).
 */
export function isAppUrl(value: unknown): boolean {
  const url = parseUrl(value);
  return (
    url !== null &&
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname === APP_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}
